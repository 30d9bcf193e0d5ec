from . import dms_import_profile
from . import dms_import_run
from . import dms_importer
from . import account_move
from . import dms_api
from . import res_partner
from . import connect_daily_status
from . import dms_bulk
