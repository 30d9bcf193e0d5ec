from . import connect_demo
from . import portal_promises_demo
from . import portal_plans_demo
