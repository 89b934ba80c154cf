"""Salesforce Outbound Messages (SOAP): the `notifications` envelope a workflow rule or a Flow's
outbound message action POSTs, read into Lead records, and the acknowledgement Salesforce waits
for (`<Ack>true</Ack>`; anything else, and it delivers the message again).

The XML is parsed with the standard library after a first pass that refuses any document type
declaration: no DTD means no entity declarations, so no entity expansion (billion laughs) and no
external entity (a file or URL read on our side). Pure: bytes in, records or a problem out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100  # the WSDL's maxOccurs
MAX_BYTES = 2_000_000

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body>'
    f'<notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body></soapenv:Envelope>"
)


class BadMessage(ValueError):
    """An outbound message that is not one leadrouter can take in; the text says why."""


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    organization_id: str
    action_id: str
    leads: tuple[dict[str, Any], ...]  # each as the REST API serializes a Lead: {"Id": ...}


def fault(message: str) -> str:
    """A SOAP 1.1 Client fault carrying `message` (escaped)."""
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>soapenv:Client</faultcode><faultstring>{text}</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def _refuse_dtd(body: bytes) -> None:
    def refuse(*_: object) -> None:
        raise BadMessage("a document type declaration is refused (no DTD, no entities)")

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        raise BadMessage(
            f"not XML: {expat.errors.messages[error.code]} at line {error.lineno}"
        ) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(parent: ET.Element, name: str) -> str:
    found = parent.find(f"{{{OUTBOUND}}}{name}")
    if found is None or not (found.text or "").strip():
        raise BadMessage(f"notifications: no {name}")
    return found.text.strip()  # type: ignore[union-attr]


def _lead(index: int, notification: ET.Element) -> dict[str, Any]:
    record = notification.find(f"{{{OUTBOUND}}}sObject")
    if record is None:
        raise BadMessage(f"Notification[{index}]: no sObject")
    kind = _local(record.get(f"{{{XSI}}}type", "")).rpartition(":")[2]
    if kind != "Lead":
        raise BadMessage(f"Notification[{index}]: the sObject is a {kind or 'untyped'}, not a Lead")
    lead: dict[str, Any] = {"attributes": {"type": "Lead"}}
    for field in record:
        nil = field.get(f"{{{XSI}}}nil") == "true"
        lead[_local(field.tag)] = None if nil else (field.text or "").strip()
    if not lead.get("Id"):
        raise BadMessage(f"Notification[{index}]: the Lead has no Id")
    return lead


def parse(body: bytes) -> OutboundMessage:
    """The organization, the action and the Leads of a `notifications` envelope; BadMessage
    saying what is wrong otherwise."""
    if len(body) > MAX_BYTES:
        raise BadMessage(f"over {MAX_BYTES} bytes")
    _refuse_dtd(body)
    root = ET.fromstring(body)  # safe now: no DTD, so nothing to expand
    if root.tag != f"{{{SOAP}}}Envelope":
        raise BadMessage(f"expected a SOAP 1.1 Envelope, got <{_local(root.tag)}>")
    notifications = root.find(f"{{{SOAP}}}Body/{{{OUTBOUND}}}notifications")
    if notifications is None:
        raise BadMessage(f"no notifications element ({OUTBOUND}) in the SOAP Body")
    items = notifications.findall(f"{{{OUTBOUND}}}Notification")
    if not items:
        raise BadMessage("notifications: no Notification")
    if len(items) > MAX_NOTIFICATIONS:
        raise BadMessage(f"at most {MAX_NOTIFICATIONS} Notification elements")
    leads = tuple(_lead(i, item) for i, item in enumerate(items))
    organization = _text(notifications, "OrganizationId")
    return OutboundMessage(organization, _text(notifications, "ActionId"), leads)


def same_organization(sent: str, configured: str) -> bool:
    """Whether two org ids name one org: an 18-character id is the 15-character one plus a
    case-checksum suffix."""
    return len(sent) in (15, 18) and sent[:15] == configured[:15]
