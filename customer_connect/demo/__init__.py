from . import connect_demo
from . import portal_promises_demo
from . import portal_plans_demo

# credit shown (issue 21)
from . import portal_credit_demo
