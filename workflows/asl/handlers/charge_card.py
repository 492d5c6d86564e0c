"""The charge-card function, locally: declines cards whose number ends in 0000."""
import json
import sys

order = json.load(sys.stdin)
card = order.get("card", "")
if card.endswith("0000"):
    print(json.dumps({"Error": "CardDeclined", "Cause": "card " + card[-4:] + " was declined"}))
    sys.exit(1)
print(json.dumps({"charged": order["validation"]["total"], "transaction": "tx-" + order["orderId"]}))
