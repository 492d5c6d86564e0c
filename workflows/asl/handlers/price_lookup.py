"""The price-lookup function, locally: a fixed price list; an unknown SKU is an error."""
import json
import sys

PRICES = {"BOOK-1": 12.5, "LAMP-2": 40, "DESK-3": 150}

request = json.load(sys.stdin)
sku = request.get("sku", "")
if sku not in PRICES:
    print(json.dumps({"Error": "UnknownSku", "Cause": "no price for " + sku}))
    sys.exit(1)
print(json.dumps({"unit_price": PRICES[sku]}))
