from . import portal_activity
from . import portal_profile
