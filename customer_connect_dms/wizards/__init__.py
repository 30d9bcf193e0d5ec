from . import dms_import_wizard
from . import dms_customer_search
