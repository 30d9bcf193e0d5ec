from . import portal_activity
from . import portal_profile
from . import portal_statements
from . import portal_companies
from . import portal_equipment
from . import portal_account_history
from . import portal_purchase_history
from . import portal_orders
