from . import connect_demo
