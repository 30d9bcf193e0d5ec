from . import connect_access_level
from . import account_move
