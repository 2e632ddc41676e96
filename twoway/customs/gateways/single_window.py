"""China International Trade Single Window (中国国际贸易单一窗口) / China E-Port: the real-shaped
customs gateway.

Each CEB message is signed (XML-DSig, enveloped, appended as the last child of the message root
as the CEB conventions ask when ``appStatus`` is 2: see xsd/ceb_messages.md §2), wrapped in the
data-exchange platform's ``DxpMsg`` envelope (sender = our DXP id, receiver = the customs CEB
node, message type, the signed message base64-encoded in ``Data``) and POSTed over HTTPS to the
configured endpoint. A receipt that comes back in the answer (``DxpMsg`` with a CEB312/412/512 in
``Data``, or the bare receipt) is parsed; an empty answer means customs replies later.

The envelope follows the DXP transfer format as integrators describe it (``DxpMsg`` /
``TransInfo`` / ``Data``); the field names are not checked against an official schema (none is
kept in the repository), like the CEB XSDs (xsd/README.md). Signing uses RSA-SHA256 with the
enterprise certificate configured in settings; the digest algorithm is a setting because older
E-Port clients still expect SHA-1 (xsd/ceb_messages.md §2) and ``signxml`` refuses to sign with it.

No Django here: ``twoway.customs.gateways.get_gateway`` reads settings and builds this class.
The transport is a plain callable so tests drive a local stub server or a recorded answer;
nothing here is called in tests with a network address.
"""

from __future__ import annotations

import base64
import ssl
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from lxml import etree

from ..ceb import CHINA_TZ, MessageType
from ..replies import CustomsReply, CustomsReplyInvalid, parse_replies
from .base import CustomsGatewayUnavailable, DeclarationDocuments, GatewayResult

DXP_NS = "http://www.chinaport.gov.cn/dxp"
CEB_RECEIVER_ID = "DXPEDCCEB0000002"  # the customs CEB node on the exchange platform
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: ``transport(url, body, headers, timeout) -> (HTTP status, body)``; raises OSError when down.
Transport = Callable[[str, bytes, Mapping[str, str], float], tuple[int, bytes]]


def https_transport(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float
) -> tuple[int, bytes]:
    """POST over HTTPS with certificate verification (plain HTTP only to a local stub)."""
    parsed = urlparse(url)
    if parsed.scheme != "https" and parsed.hostname not in LOCAL_HOSTS:
        raise CustomsGatewayUnavailable(f"Refusing to send customs messages over {parsed.scheme}.")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - scheme checked above
    context = ssl.create_default_context() if parsed.scheme == "https" else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass(frozen=True)
class SigningKey:
    """The enterprise's signing key (PEM) and certificate (PEM, sent in ``KeyInfo``)."""

    private_key_pem: bytes
    certificate_pem: bytes | None = None
    signature_algorithm: str = "rsa-sha256"
    digest_algorithm: str = "sha256"


def sign_message(xml: bytes, key: SigningKey) -> bytes:
    """The message with an enveloped ``ds:Signature`` appended to its root."""
    from signxml import DigestAlgorithm, SignatureMethod, XMLSigner, methods

    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod[key.signature_algorithm.upper().replace("-", "_")],
        digest_algorithm=DigestAlgorithm[key.digest_algorithm.upper()],
        c14n_algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    )
    signer.namespaces = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    signed = signer.sign(
        root,
        key=key.private_key_pem,
        cert=key.certificate_pem,  # type: ignore[arg-type]  # signxml takes PEM bytes too
        always_add_key_value=key.certificate_pem is None,
    )
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def dxp_envelope(
    message: bytes,
    *,
    message_type: MessageType,
    sender_id: str,
    receiver_id: str,
    now: datetime,
    message_id: str | None = None,
) -> bytes:
    nsmap = {"dxp": DXP_NS}
    root = etree.Element(f"{{{DXP_NS}}}DxpMsg", attrib={"ver": "1.0"}, nsmap=nsmap)
    info = etree.SubElement(root, f"{{{DXP_NS}}}TransInfo")
    etree.SubElement(info, f"{{{DXP_NS}}}CopMsgId").text = message_id or str(uuid.uuid4())
    etree.SubElement(info, f"{{{DXP_NS}}}SenderId").text = sender_id
    receivers = etree.SubElement(info, f"{{{DXP_NS}}}ReceiverIds")
    etree.SubElement(receivers, f"{{{DXP_NS}}}ReceiverId").text = receiver_id
    etree.SubElement(info, f"{{{DXP_NS}}}CreatTime").text = now.astimezone(CHINA_TZ).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    etree.SubElement(info, f"{{{DXP_NS}}}MsgType").text = f"{message_type}Message"
    etree.SubElement(root, f"{{{DXP_NS}}}Data").text = base64.b64encode(message).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def dxp_unwrap(body: bytes) -> bytes | None:
    """The receipt inside an answer: ``DxpMsg/Data`` decoded, a bare receipt as it is, or None
    for an empty acknowledgement."""
    if not body.strip():
        return None
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise CustomsReplyInvalid(f"The answer is not XML: {exc}") from None
    if etree.QName(root.tag).localname != "DxpMsg":
        return body
    data = root.find(f"{{{DXP_NS}}}Data")
    if data is None or not (data.text or "").strip():
        return None
    return base64.b64decode(data.text)


class SingleWindowGateway:
    name = "single_window"

    def __init__(
        self,
        *,
        endpoint: str,
        sender_id: str,
        signing_key: SigningKey,
        receiver_id: str = CEB_RECEIVER_ID,
        timeout: float = 20.0,
        transport: Transport = https_transport,
    ) -> None:
        if not endpoint:
            raise CustomsGatewayUnavailable("No Single Window endpoint is configured.")
        self.endpoint = endpoint
        self.sender_id = sender_id
        self.receiver_id = receiver_id
        self.signing_key = signing_key
        self.timeout = timeout
        self.transport = transport

    def submit(self, documents: DeclarationDocuments, *, now: datetime) -> GatewayResult:
        result = GatewayResult(gateway=self.name)
        references = []
        for kind in MessageType:
            signed = sign_message(documents.messages[kind], self.signing_key)
            message_id = str(uuid.uuid4())
            envelope = dxp_envelope(
                signed,
                message_type=kind,
                sender_id=self.sender_id,
                receiver_id=self.receiver_id,
                now=now,
                message_id=message_id,
            )
            headers = {
                "Content-Type": "application/xml; charset=utf-8",
                "X-DXP-Sender": self.sender_id,
                "X-DXP-Message-Type": f"{kind}Message",
            }
            try:
                status, body = self.transport(self.endpoint, envelope, headers, self.timeout)
            except OSError as exc:  # refused, timed out, TLS failure
                raise CustomsGatewayUnavailable(
                    f"Single Window unreachable while sending {kind}: {exc}"
                ) from exc
            if not 200 <= status < 300:
                raise CustomsGatewayUnavailable(
                    f"Single Window answered HTTP {status} to {kind}: "
                    f"{body[:200].decode('utf-8', 'replace')}"
                )
            references.append(message_id)
            reply = self._reply(body, kind, now)
            if reply is not None:
                result.replies[kind] = reply
        result.reference = references[0] if references else ""
        return result

    @staticmethod
    def _reply(body: bytes, kind: MessageType, now: datetime) -> CustomsReply | None:
        try:
            receipt = dxp_unwrap(body)
            if receipt is None:
                return None
            replies = [r for r in parse_replies(receipt, received_at=now) if r.answers == kind]
        except (CustomsReplyInvalid, ValueError) as exc:
            raise CustomsGatewayUnavailable(f"Unreadable answer to {kind}: {exc}") from exc
        return replies[0] if replies else None
