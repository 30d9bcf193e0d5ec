from . import test_payment_access
