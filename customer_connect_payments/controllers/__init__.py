from . import portal_payments
from . import autopay
