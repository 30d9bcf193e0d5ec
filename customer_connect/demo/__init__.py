from . import connect_demo

# credit shown (issue 21)
from . import portal_credit_demo
