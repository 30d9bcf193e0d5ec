from . import portal_activity
from . import portal_profile
from . import portal_statements
from . import portal_companies
from . import portal_equipment
