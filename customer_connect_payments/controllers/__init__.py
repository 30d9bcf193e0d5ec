from . import portal_payments
from . import portal_remittances
