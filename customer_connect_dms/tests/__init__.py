from . import test_customer_number
from . import test_dms_import
from . import test_dms_import_kinds
from . import test_dms_invoices
from . import test_portal_profile_dms
from . import test_customer_search
from . import test_dms_api
from . import test_dms_background
