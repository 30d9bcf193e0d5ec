from . import dms_import_wizard
