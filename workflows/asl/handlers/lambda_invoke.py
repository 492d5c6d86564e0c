"""arn:aws:states:::lambda:invoke, locally: dispatches on FunctionName and answers like the
Lambda integration does ({"StatusCode": 200, "Payload": ...})."""
import json
import sys

request = json.load(sys.stdin)
order = request["Payload"]
name = request["FunctionName"]
if name == "validate-order":
    total = sum(item["price"] * item["quantity"] for item in order.get("items", []))
    payload = {"valid": bool(order.get("items")) and total > 0, "total": total}
elif name == "create-shipment":
    payload = {"tracking": "TRK-" + order["orderId"]}
else:
    print(json.dumps({"Error": "Lambda.ResourceNotFoundException", "Cause": "no function " + name}))
    sys.exit(1)
print(json.dumps({"StatusCode": 200, "Payload": payload}))
