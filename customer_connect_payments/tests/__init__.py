from . import test_payment_access
from . import test_portal_payments
from . import test_payment_tours
from . import test_payment_disputes
