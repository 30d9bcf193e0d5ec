from . import portal_payments
from . import portal_remittances
from . import autopay
