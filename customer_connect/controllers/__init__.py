from . import portal_activity
from . import portal_profile
from . import portal_home
from . import portal_statements
from . import portal_companies
from . import portal_equipment
from . import portal_account_history
from . import portal_purchase_history
from . import portal_orders
from . import web_leads
from . import portal_project_status
from . import portal_disputes

# promises to pay and instalment plans (issue 21)
from . import portal_promises
from . import portal_plans

# credit shown (issue 21)
from . import portal_credit
