from . import connect_invite_wizard
from . import connect_staff_invite_wizard
