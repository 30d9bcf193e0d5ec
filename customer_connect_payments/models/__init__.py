from . import connect_access_level
from . import account_move
from . import res_partner
