from . import test_demo_dealer
from . import test_invitation
from . import test_invitation_links
from . import test_bulk_invitation
from . import test_access_levels
from . import test_portal_activity
from . import test_dashboard
from . import test_staff
from . import test_staff_guard
from . import test_mail_log
from . import test_tour
from . import test_portal_activity_list
from . import test_portal_profile
from . import test_portal_statements
from . import test_portal_companies
from . import test_portal_equipment
from . import test_portal_isolation
from . import test_portal_download_tour
from . import test_portal_account_history
from . import test_portal_purchase_history
from . import test_portal_orders
from . import test_daily_status
from . import test_activation_funnel
from . import test_bounces
from . import test_web_leads
from . import test_portal_project_status
from . import test_portal_disputes
from . import test_documents_pdf
from . import test_portal_list
from . import test_portal_home
from . import test_existing_logins
from . import test_portal_replica

# promises to pay and instalment plans (issue 21)
from . import test_portal_promises
from . import test_portal_plans

# credit shown (issue 21)
from . import test_portal_credit
