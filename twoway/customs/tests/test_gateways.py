"""Contract of a customs gateway, run against both: the sandbox simulator and the Single Window
gateway (signed, DXP-wrapped, POSTed to a local stub server speaking as customs — no network).
Whatever the gateway, a matching declaration is accepted with code 120 for all three messages
and a mismatching one is rejected with the reason; a gateway that cannot be reached raises
``CustomsGatewayUnavailable``."""

from __future__ import annotations

import base64
import dataclasses
import threading
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from twoway.customs.ceb import MessageType, build_ceb311, build_ceb411, build_ceb511, validate
from twoway.customs.gateways import (
    CustomsGatewayUnavailable,
    DeclarationDocuments,
    SandboxCustomsGateway,
    SingleWindowGateway,
)
from twoway.customs.gateways.simulator import sandbox_receipt
from twoway.customs.gateways.single_window import DXP_NS, SigningKey, https_transport
from twoway.customs.rules.three_document_match import three_document_match

from .factories import make_logistics, make_order, make_payment

NOW = datetime(2025, 1, 2, 0, 5, tzinfo=UTC)
DSIG = "http://www.w3.org/2000/09/xmldsig#"


def _key_and_cert() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Twoway test enterprise")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2024, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2030, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
    )


KEY_PEM, CERT_PEM = _key_and_cert()


def documents(**order_changes) -> DeclarationDocuments:
    order, payment, logistics = make_order(), make_payment(), make_logistics()
    if order_changes:
        order = dataclasses.replace(order, **order_changes)
    return DeclarationDocuments(
        order=order,
        payment=payment,
        logistics=logistics,
        messages={
            MessageType.ORDER: build_ceb311(order),
            MessageType.PAYMENT: build_ceb411(payment),
            MessageType.LOGISTICS: build_ceb511(logistics),
        },
    )


class StubSingleWindow:
    """A local HTTP server standing in for the Single Window: checks the envelope and the
    signature, checks the message against its schema, answers with a receipt in a DxpMsg."""

    def __init__(self, *, status: int = 200, empty: bool = False) -> None:
        self.received: list[dict] = []
        self.status, self.empty = status, empty
        self.documents: DeclarationDocuments | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = stub.answer(body, dict(self.headers))
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ceb/declare"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, body: bytes, headers: dict) -> bytes:
        from signxml import XMLVerifier

        envelope = etree.fromstring(body)
        kind = envelope.findtext(f"{{{DXP_NS}}}TransInfo/{{{DXP_NS}}}MsgType").removesuffix(
            "Message"
        )
        message = base64.b64decode(envelope.findtext(f"{{{DXP_NS}}}Data"))
        verified = XMLVerifier().verify(message, x509_cert=CERT_PEM.decode()).signed_xml
        self.received.append(
            {
                "kind": kind,
                "headers": headers,
                "message": message,
                "sender": envelope.findtext(f"{{{DXP_NS}}}TransInfo/{{{DXP_NS}}}SenderId"),
                "schema_problems": validate(etree.tostring(verified), MessageType(kind)),
            }
        )
        if self.empty or self.status != 200:
            return b""
        docs = self.documents
        match = three_document_match(docs.order, docs.payment, docs.logistics) if docs else None
        receipt = sandbox_receipt(message, match=match, now=NOW)
        wrapped = etree.Element(f"{{{DXP_NS}}}DxpMsg", nsmap={"dxp": DXP_NS})
        etree.SubElement(wrapped, f"{{{DXP_NS}}}Data").text = base64.b64encode(receipt).decode()
        return etree.tostring(wrapped, xml_declaration=True, encoding="UTF-8")


def single_window(url: str, **kwargs) -> SingleWindowGateway:
    return SingleWindowGateway(
        endpoint=url,
        sender_id="DXPENT0000000001",
        signing_key=SigningKey(private_key_pem=KEY_PEM, certificate_pem=CERT_PEM),
        **kwargs,
    )


@pytest.fixture(params=["sandbox", "single_window"])
def gateway(request):
    if request.param == "sandbox":
        yield SandboxCustomsGateway(), None
        return
    with StubSingleWindow() as stub:
        yield single_window(stub.url), stub


def _submit(gateway, docs):
    gw, stub = gateway
    if stub is not None:
        stub.documents = docs
    return gw.submit(docs, now=NOW)


def test_matching_documents_are_accepted_by_both_gateways(gateway):
    result = _submit(gateway, documents())
    assert result.accepted
    assert not result.rejected
    assert sorted(result.replies) == [MessageType.ORDER, MessageType.PAYMENT, MessageType.LOGISTICS]
    assert {reply.code for reply in result.replies.values()} == {"120"}
    assert result.reasons == []
    assert result.reference


def test_mismatching_documents_are_rejected_by_both_gateways_with_the_reason(gateway):
    docs = documents(actural_paid=Decimal("999.00"))
    result = _submit(gateway, docs)
    assert result.rejected
    assert not result.accepted
    assert {reply.code for reply in result.replies.values()} == {"100"}
    assert any("actural" in reason.lower() or "paid" in reason.lower() for reason in result.reasons)


def test_the_single_window_gets_signed_wrapped_valid_messages():
    with StubSingleWindow() as stub:
        stub.documents = documents()
        single_window(stub.url).submit(stub.documents, now=NOW)
    assert [r["kind"] for r in stub.received] == ["CEB311", "CEB411", "CEB511"]
    for received in stub.received:
        assert received["sender"] == "DXPENT0000000001"
        assert received["headers"]["Content-Type"] == "application/xml; charset=utf-8"
        assert received["schema_problems"] == []  # still valid with the signature appended
        root = etree.fromstring(received["message"])
        signature = root[-1]
        assert etree.QName(signature.tag) == etree.QName(DSIG, "Signature")
        assert (
            signature.find(f".//{{{DSIG}}}SignatureMethod").get("Algorithm").endswith("rsa-sha256")
        )
        assert signature.find(f".//{{{DSIG}}}X509Certificate") is not None
    # A tampered message no longer verifies (the stub's XMLVerifier would refuse it).
    from signxml import InvalidSignature, XMLVerifier

    tampered = stub.received[0]["message"].replace(b"<ceb:orderNo>", b"<ceb:orderNo>X", 1)
    with pytest.raises(InvalidSignature):
        XMLVerifier().verify(tampered, x509_cert=CERT_PEM.decode())


def test_no_receipt_yet_means_sent_but_undecided():
    with StubSingleWindow(empty=True) as stub:
        result = single_window(stub.url).submit(documents(), now=NOW)
    assert result.replies == {}
    assert not result.decided
    assert len(stub.received) == 3


@pytest.mark.parametrize("status", [500, 403])
def test_an_error_answer_is_unavailable_not_a_decision(status):
    with StubSingleWindow(status=status) as stub, pytest.raises(CustomsGatewayUnavailable) as err:
        single_window(stub.url).submit(documents(), now=NOW)
    assert f"HTTP {status}" in str(err.value)


def test_an_unreachable_single_window_is_unavailable():
    with StubSingleWindow() as stub:
        url = stub.url
    with pytest.raises(CustomsGatewayUnavailable, match="unreachable"):
        single_window(url, timeout=2).submit(documents(), now=NOW)


def test_a_recorded_transport_is_enough_and_plain_http_is_refused_off_localhost():
    calls = []

    def transport(url, body, headers, timeout):
        calls.append(url)
        return 200, b""

    single_window("https://swapp.singlewindow.example/ceb", transport=transport).submit(
        documents(), now=NOW
    )
    assert calls == ["https://swapp.singlewindow.example/ceb"] * 3
    with pytest.raises(CustomsGatewayUnavailable, match="over http"):
        https_transport("http://customs.example/ceb", b"", {}, 1)
    with pytest.raises(CustomsGatewayUnavailable, match="endpoint"):
        single_window("")
