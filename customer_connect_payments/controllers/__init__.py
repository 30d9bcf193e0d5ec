from . import portal_payments
