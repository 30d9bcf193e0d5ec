from . import portal_profile
