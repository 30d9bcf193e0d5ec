# the pipeline, then each kind (they register their columns), then what
# lists the kinds (profile, run log): dms_import_targets.py
from . import dms_import
from . import dms_import_customer
from . import dms_import_contact
from . import dms_import_invoice
from . import dms_import_invoice_bulk
from . import dms_import_invoice_pdf
from . import dms_import_invoice_report
from . import dms_import_equipment
from . import dms_import_profile
from . import dms_import_run
from . import account_move
from . import dms_api
from . import dms_export_payment
from . import res_partner
from . import connect_daily_status
from . import dms_bulk
from . import dms_bulk_partner
from . import dms_bulk_move
