from . import test_customer_number
