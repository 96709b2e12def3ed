// Codec tests: round trips of every message type of the contract from the JSON
// fixtures in tests/data/protocol/, the malformed-input table, envelope rules,
// permissions, times and the fan-out fast path.

#include "protocol/protocol.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace acdesk::proto;

namespace {

QString dataDir()
{
    const QByteArray env = qgetenv("ACDESK_TEST_DATA");
    return env.isEmpty() ? QStringLiteral(ACDESK_TEST_DATA_FALLBACK) : QString::fromLocal8Bit(env);
}

QJsonArray loadFixture(const QString &name)
{
    QFile f(dataDir() + QStringLiteral("/protocol/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(f.fileName()));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        qFatal("fixture %s is not a JSON array: %s", qPrintable(f.fileName()),
               qPrintable(error.errorString()));
    return doc.array();
}

QByteArray compactJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The types listed in shared/design/protocol.md, typed in by hand from the contract so
// that the coverage check does not just compare the codec with itself.
const QStringList contractRequestTypes = {
    QStringLiteral("login"),
    QStringLiteral("resume"),
    QStringLiteral("logout"),
    QStringLiteral("agent.setState"),
    QStringLiteral("agent.endWrapUp"),
    QStringLiteral("call.accept"),
    QStringLiteral("call.reject"),
    QStringLiteral("call.hangup"),
    QStringLiteral("call.hold"),
    QStringLiteral("call.resume"),
    QStringLiteral("call.mute"),
    QStringLiteral("call.unmute"),
    QStringLiteral("call.dtmf"),
    QStringLiteral("call.transfer"),
    QStringLiteral("call.dial"),
    QStringLiteral("stats.subscribe"),
    QStringLiteral("stats.unsubscribe"),
    QStringLiteral("supervisor.setAgentState"),
    QStringLiteral("supervisor.logoutAgent"),
    QStringLiteral("broadcast"),
    QStringLiteral("gw.arrive"),
    QStringLiteral("gw.answered"),
    QStringLiteral("gw.hangup"),
    // additions of the SIP gateway (issue 14), see docs/protocol.md 8.1
    QStringLiteral("gw.ringFailed"),
    QStringLiteral("gw.digits"),
    // a caller's place and estimated wait (issue 19), see docs/protocol.md 8.1
    QStringLiteral("gw.position"),
    // callbacks that keep the caller's place (issue 19), see docs/protocol.md 6.5
    QStringLiteral("gw.callback"),
    QStringLiteral("supervisor.callback"),
    // additions announced in hello.features ("worklist"), see docs/protocol.md
    QStringLiteral("worklist.list"),
    QStringLiteral("worklist.done"),
    QStringLiteral("report.get"),
    // accounts (issue 15), see docs/protocol.md 4.6
    QStringLiteral("admin.setPassword"),
    QStringLiteral("account.setPassword"),
    // the audit log (issue 15), see docs/protocol.md 7.1
    QStringLiteral("audit.list"),
    // live configuration (issue 15), see docs/protocol.md 4.7
    QStringLiteral("admin.config.get"),
    QStringLiteral("admin.config.put"),
    // consultation and conference (issue 18), see docs/protocol.md 6.6
    QStringLiteral("call.consult"),
    QStringLiteral("call.completeTransfer"),
    QStringLiteral("call.cancelConsult"),
    QStringLiteral("call.conference"),
};
const QStringList contractServerTypes = {
    QStringLiteral("hello"),
    QStringLiteral("ok"),
    QStringLiteral("error"),
    QStringLiteral("snapshot"),
    QStringLiteral("agent.state"),
    QStringLiteral("call.offer"),
    QStringLiteral("call.update"),
    QStringLiteral("call.ended"),
    QStringLiteral("stats"),
    QStringLiteral("message"),
    QStringLiteral("session.replaced"),
    QStringLiteral("gw.ring"),
    QStringLiteral("gw.cancel"),
    QStringLiteral("gw.bridge"),
    QStringLiteral("gw.drop"),
    QStringLiteral("gw.hold"),
    QStringLiteral("gw.resume"),
    QStringLiteral("gw.mute"),
    QStringLiteral("gw.unmute"),
    QStringLiteral("gw.transfer"),
    QStringLiteral("gw.exit"),           // issue 19, docs/protocol.md 8.2
    QStringLiteral("gw.callbackQueued"), // issue 19, docs/protocol.md 6.5
    QStringLiteral("gw.dial"),
    QStringLiteral("gw.dtmf"),
    QStringLiteral("audit"),           // issue 15, docs/protocol.md 7.1
    QStringLiteral("gw.release"),      // issue 14, docs/telephony.md
    QStringLiteral("call.digits"),     // issue 14, docs/protocol.md 8.1
    QStringLiteral("worklist.update"), // docs/protocol.md 10.1
    // consultation and conference (issue 18), see docs/protocol.md 6.6
    QStringLiteral("call.consultEnded"),
    QStringLiteral("gw.consult"),
    QStringLiteral("gw.complete"),
    QStringLiteral("gw.consultEnd"),
    QStringLiteral("gw.conference"),
};

QSet<QString> typesIn(const QJsonArray &fixtures)
{
    QSet<QString> out;
    for (const QJsonValue &v : fixtures)
        out.insert(v.toObject().value(QLatin1String("type")).toString());
    return out;
}

// The error of a decode result, for QVERIFY2 messages (which are evaluated even on success).
template<typename V>
QString errorText(const V &result)
{
    const DecodeError *e = std::get_if<DecodeError>(&result);
    return e ? errorCodeName(e->code) + QStringLiteral(": ") + e->message : QString();
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coverage();
    void requestRoundTrip_data();
    void requestRoundTrip();
    void serverRoundTrip_data();
    void serverRoundTrip();
    void fanOut_data();
    void fanOut();
    void malformed_data();
    void malformed();
    void malformedServer_data();
    void malformedServer();
    void envelope_data();
    void envelope();
    void permissions_data();
    void permissions();
    void enums();
    void errorCodes();
    void times_data();
    void times();
    void defaultsAndHelpers();
};

void TestProtocol::coverage()
{
    QCOMPARE(knownRequestTypes(), contractRequestTypes);
    for (const QString &t : contractRequestTypes)
        QVERIFY2(isKnownRequestType(t), qPrintable(t));
    QVERIFY(!isKnownRequestType(u"hello"));
    QVERIFY(!isKnownRequestType(u"agent.state"));
    QVERIFY(!isKnownRequestType(u""));
    QCOMPARE(serverMessageTypes(), contractServerTypes);

    const QSet<QString> requests = typesIn(loadFixture(QStringLiteral("requests.json")));
    for (const QString &t : contractRequestTypes)
        QVERIFY2(requests.contains(t), qPrintable(QStringLiteral("no request fixture for ") + t));
    const QSet<QString> server = typesIn(loadFixture(QStringLiteral("server-messages.json")));
    for (const QString &t : contractServerTypes)
        QVERIFY2(server.contains(t), qPrintable(QStringLiteral("no server fixture for ") + t));
}

void TestProtocol::requestRoundTrip_data()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonArray all = loadFixture(QStringLiteral("requests.json"));
    QVERIFY(!all.isEmpty());
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QJsonObject o = all.at(i).toObject();
        QTest::addRow("%02d %s", int(i), qPrintable(o.value(QLatin1String("type")).toString()))
            << o;
    }
}

void TestProtocol::requestRoundTrip()
{
    QFETCH(QJsonObject, fixture);
    const QByteArray frame = compactJson(fixture);

    // Step 1: envelope.
    const auto env = decodeEnvelope(frame);
    QVERIFY2(std::holds_alternative<Envelope>(env), qPrintable(errorText(env)));
    const Envelope &e = std::get<Envelope>(env);
    QCOMPARE(e.type, fixture.value(QLatin1String("type")).toString());
    QCOMPARE(e.id, fixture.value(QLatin1String("id")));
    QCOMPARE(e.hasId(), fixture.contains(QLatin1String("id")));
    QCOMPARE(e.key, fixture.value(QLatin1String("key")).toString());
    QCOMPARE(e.body, fixture);

    // Step 3: typed request.
    const auto decoded = decodeRequest(e);
    QVERIFY2(std::holds_alternative<Request>(decoded), qPrintable(errorText(decoded)));
    const Request &request = std::get<Request>(decoded);
    QCOMPARE(requestType(request), e.type);
    QVERIFY(roleMayUse(Role::Agent, e.type) || roleMayUse(Role::Supervisor, e.type) ||
            roleMayUse(Role::Wallboard, e.type) || roleMayUse(Role::Gateway, e.type) ||
            !requiresAuthentication(e.type));

    // Encode: equal to the fixture without the envelope's id and key.
    QJsonObject expected = fixture;
    expected.remove(QLatin1String("id"));
    expected.remove(QLatin1String("key"));
    QCOMPARE(toJson(request), expected);

    // The encoded frame (with id and key) decodes to the same request.
    const QByteArray again = encodeRequest(request, e.id, e.key);
    QCOMPARE(QJsonDocument::fromJson(again).object(), fixture);
    const auto redecoded = decodeRequest(QByteArrayView(again));
    QVERIFY(std::holds_alternative<Request>(redecoded));
    QCOMPARE(std::get<Request>(redecoded), request);
}

void TestProtocol::serverRoundTrip_data()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonArray all = loadFixture(QStringLiteral("server-messages.json"));
    QVERIFY(!all.isEmpty());
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QJsonObject o = all.at(i).toObject();
        QTest::addRow("%02d %s", int(i), qPrintable(o.value(QLatin1String("type")).toString()))
            << o;
    }
}

void TestProtocol::serverRoundTrip()
{
    QFETCH(QJsonObject, fixture);
    const auto decoded = decodeServerMessage(compactJson(fixture));
    QVERIFY2(std::holds_alternative<ServerMessage>(decoded), qPrintable(errorText(decoded)));
    const ServerMessage &message = std::get<ServerMessage>(decoded);
    QCOMPARE(messageType(message), fixture.value(QLatin1String("type")).toString());
    QCOMPARE(toJson(message), fixture);

    const QByteArray again = encodeServerMessage(message);
    const auto redecoded = decodeServerMessage(QByteArrayView(again));
    QVERIFY(std::holds_alternative<ServerMessage>(redecoded));
    QCOMPARE(std::get<ServerMessage>(redecoded), message);

    // Typed spot checks on a few messages, so the structs are not only self-consistent.
    if (const auto *ok = std::get_if<OkReply>(&message)) {
        if (ok->fields.contains(QLatin1String("token"))) {
            const auto login = LoginResult::fromJson(ok->fields);
            QVERIFY(std::holds_alternative<LoginResult>(login));
            QCOMPARE(std::get<LoginResult>(login).user, QStringLiteral("1001"));
            QCOMPARE(std::get<LoginResult>(login).toJson(), ok->fields);
        }
    } else if (const auto *st = std::get_if<StatsEvent>(&message); st && st->seq == 18) {
        // Issue 19's additions, typed.
        const QueueStats &q = st->queues.at(0);
        QCOMPARE(q.open, false);
        QCOMPARE(q.ewtSeconds, std::optional<double>(243));
        QCOMPARE(q.today.closed, 4);
        QCOMPARE(q.today.timedOut, 2);
        QVERIFY(q.forecast);
        QCOMPARE(q.forecast->arrivalsLastHour, 30);
        QCOMPARE(q.forecast->agentsNeeded, std::optional<int>(4));
    } else if (st) {
        QCOMPARE(st->seq, quint64(9));
        QCOMPARE(st->queues.at(0).open, true); // absent: open
        QCOMPARE(st->queues.at(0).ewtSeconds, std::nullopt);
        QCOMPARE(st->queues.size(), 2);
        // The additions (worklist, waitingCalls) are typed too: absent or there.
        QCOMPARE(st->calls.has_value(), st->queues.at(0).today.callbacks.has_value());
        if (st->calls) {
            QCOMPARE(st->calls->size(), 1);
            QCOMPARE(st->queues.at(0).today.callbacks, std::optional<int>(2));
        }
        QCOMPARE(st->queues.at(0).today.serviceLevel, std::optional<double>(0.7719298245614035));
        QCOMPARE(st->queues.at(1).today.serviceLevel, std::nullopt);
        QCOMPARE(st->queues.at(0).thresholds.longestWaitSecondsRed, 120);
        QCOMPARE(st->agents.at(1).reason, QStringLiteral("break"));
        QCOMPARE(st->agents.at(1).connected, std::optional<bool>(false));
    } else if (const auto *cb = std::get_if<CallOfferEvent>(&message); cb && cb->seq == 20) {
        // A callback's offer (issue 19): typed too.
        QVERIFY(cb->call.callback.has_value());
        QCOMPARE(cb->call.callback->number, QStringLiteral("+4930555123"));
        QCOMPARE(cb->call.callback->attempts, 1);
        QCOMPARE(cb->call.callback->requestedAt, qint64(1795511730000));
    } else if (const auto *offer = std::get_if<CallOfferEvent>(&message)) {
        QCOMPARE(offer->timeoutMs, 15000);
        QVERIFY(!offer->call.callback.has_value());
        QCOMPARE(offer->call.arrivedAt, qint64(1795511523120));
        QCOMPARE(offer->call.answeredAt, std::nullopt);
        QVERIFY(offer->call.hotline.has_value());
        QCOMPARE(offer->call.hotline->name, QStringLiteral("VIP hotline"));
    } else if (const auto *snap = std::get_if<SnapshotEvent>(&message)) {
        if (snap->agent) {
            QCOMPARE(snap->agent->skills->value(QStringLiteral("german")), 5);
            QVERIFY(!snap->agents.has_value());
            QCOMPARE(snap->calls->at(0).hotline, std::nullopt);
            QCOMPARE(snap->calls->at(0).queue, QString());
        }
    }
}

void TestProtocol::fanOut_data()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonArray all = loadFixture(QStringLiteral("server-messages.json"));
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QJsonObject o = all.at(i).toObject();
        if (o.contains(QLatin1String("seq")))
            QTest::addRow("%02d %s", int(i), qPrintable(o.value(QLatin1String("type")).toString()))
                << o;
    }
}

void TestProtocol::fanOut()
{
    QFETCH(QJsonObject, fixture);
    QJsonObject withoutSeq = fixture;
    const quint64 seq = quint64(withoutSeq.take(QLatin1String("seq")).toInteger());
    const QByteArray body = encodeEventBody(withoutSeq);
    QVERIFY(!body.contains("\"seq\""));
    for (const quint64 s : {seq, quint64(1), quint64(123456789012345)}) {
        const QByteArray frame = withSeq(body, s);
        QJsonParseError error{};
        const QJsonObject parsed = QJsonDocument::fromJson(frame, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QJsonObject expected = fixture;
        expected.insert(QLatin1String("seq"), qint64(s));
        QCOMPARE(parsed, expected);
        QCOMPARE(frame, encodeEvent(withoutSeq, s));
    }
}

void TestProtocol::malformed_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QJsonValue>("id");   // Undefined: no id could be read
    QTest::addColumn<QString>("message"); // a part of the message that must appear

    const QJsonValue none(QJsonValue::Undefined);
    const QString bad = QStringLiteral("bad_request");
    const auto row = [](const char *name, const QByteArray &frame, const QString &code,
                        const QJsonValue &id, const QString &message) {
        QTest::newRow(name) << frame << code << id << message;
    };
    const QString notJson = QStringLiteral("not valid JSON");
    const QString notObject = QStringLiteral("message must be a JSON object");
    const QString badId = QStringLiteral("field \"id\": ");

    // Not JSON / not an object.
    row("not json", "hello", bad, none, notJson);
    row("empty frame", "", bad, none, notJson);
    row("truncated", R"({"type":"logout","id":1)", bad, none, notJson);
    row("trailing garbage", R"({"type":"logout","id":1} x)", bad, none, notJson);
    row("invalid utf-8", "{\"type\":\"logout\",\"id\":1,\"x\":\"\xff\xfe\"}", bad, none, notJson);
    row("array", R"([{"type":"logout","id":1}])", bad, none, notObject);
    // Qt 6.4's parser refuses a scalar at top level itself: a parse error.
    row("string", R"("logout")", bad, none, notJson);
    row("number", "42", bad, none, notJson);
    row("null", "null", bad, none, notJson);
    row("empty object", "{}", bad, none, QStringLiteral("field \"type\": required"));
    // Deep nesting: Qt's parser stops at its depth limit; it must be a clean bad_request.
    row("deep nesting 5000",
        "{\"type\":\"logout\",\"id\":1,\"x\":" + QByteArray(5000, '[') + QByteArray(5000, ']') +
            "}",
        bad, none, notJson);
    row("deep nesting 64KiB", "{\"a\":" + QByteArray(32000, '[') + QByteArray(32000, ']') + "}",
        bad, none, notJson);
    // type
    row("no type", R"({"id":1})", bad, QJsonValue(1), QStringLiteral("field \"type\": required"));
    row("type number", R"({"type":5,"id":"a"})", bad, QJsonValue(QStringLiteral("a")),
        QStringLiteral("field \"type\": must be a string"));
    row("type null", R"({"type":null,"id":2})", bad, QJsonValue(2),
        QStringLiteral("field \"type\": must be a string"));
    row("unknown type", R"({"type":"agent.sleep","id":4})", QStringLiteral("unknown_type"),
        QJsonValue(4), QStringLiteral("unknown type \"agent.sleep\""));
    row("empty type", R"({"type":"","id":"e"})", QStringLiteral("unknown_type"),
        QJsonValue(QStringLiteral("e")), QStringLiteral("unknown type \"\""));
    row("server type sent", R"({"type":"hello","id":4})", QStringLiteral("unknown_type"),
        QJsonValue(4), QStringLiteral("unknown type"));
    // id: anything but a string or an exact integer within ±2^53 cannot be read.
    row("id fraction", R"({"type":"logout","id":1.5})", bad, none, badId);
    row("id huge", R"({"type":"logout","id":1e300})", bad, none, badId);
    // Qt's parser refuses numbers beyond double range: the whole frame is unreadable.
    row("id overflow literal", R"({"type":"logout","id":1e400})", bad, none,
        QStringLiteral("not valid JSON: illegal number"));
    row("param overflow literal", R"({"type":"call.dial","id":7,"number":"1","x":-1e400})", bad,
        none, QStringLiteral("not valid JSON: illegal number"));
    row("id 2^53+1", R"({"type":"logout","id":9007199254740993})", bad, none,
        QStringLiteral("out of range"));
    row("id 20 digits", R"({"type":"logout","id":12345678901234567890})", bad, none, badId);
    row("id boolean", R"({"type":"logout","id":true})", bad, none, badId);
    row("id object", R"({"type":"logout","id":{"n":1}})", bad, none, badId);
    row("id array", R"({"type":"logout","id":[1]})", bad, none, badId);
    row("id null", R"({"type":"logout","id":null})", bad, none, badId);
    row("id empty string", R"({"type":"logout","id":""})", bad, none, badId);
    row("id too long", "{\"type\":\"logout\",\"id\":\"" + QByteArray(129, 'x') + "\"}", bad, none,
        QStringLiteral("longer than 128"));
    // key
    row("key empty", R"({"type":"call.hangup","id":3,"key":"","call":"c1"})", bad, QJsonValue(3),
        QStringLiteral("field \"key\": must not be empty"));
    row("key number", R"({"type":"call.hangup","id":"r3","key":17,"call":"c1"})", bad,
        QJsonValue(QStringLiteral("r3")), QStringLiteral("field \"key\": must be a string"));
    row("key too long",
        "{\"type\":\"call.hangup\",\"id\":3,\"key\":\"" + QByteArray(129, 'k') +
            "\",\"call\":\"c1\"}",
        bad, QJsonValue(3), QStringLiteral("field \"key\": longer than 128"));
    // Parameters: states and enumerations.
    row("unknown state", R"({"type":"agent.setState","id":5,"state":"sleeping"})", bad,
        QJsonValue(5), QStringLiteral("field \"state\": unknown value \"sleeping\""));
    row("state not settable", R"({"type":"agent.setState","id":5,"state":"on_call"})", bad,
        QJsonValue(5), QStringLiteral("field \"state\": must be \"ready\" or \"not_ready\""));
    row("state wrong type", R"({"type":"agent.setState","id":5,"state":1})", bad, QJsonValue(5),
        QStringLiteral("field \"state\": must be a string"));
    row("state missing", R"({"type":"agent.setState","id":5})", bad, QJsonValue(5),
        QStringLiteral("field \"state\": required"));
    row("not_ready without reason", R"({"type":"agent.setState","id":5,"state":"not_ready"})", bad,
        QJsonValue(5), QStringLiteral("field \"reason\": required"));
    row("ready with reason", R"({"type":"agent.setState","state":"ready","reason":"break"})", bad,
        none, QStringLiteral("field \"reason\": only allowed with state \"not_ready\""));
    row("login unknown role", R"({"type":"login","id":1,"role":"admin","user":"u","secret":"s"})",
        bad, QJsonValue(1), QStringLiteral("field \"role\": unknown value \"admin\""));
    row("login missing secret", R"({"type":"login","id":1,"role":"agent","user":"u"})", bad,
        QJsonValue(1), QStringLiteral("field \"secret\": required"));
    row("login user null", R"({"type":"login","id":1,"role":"agent","user":null,"secret":"s"})",
        bad, QJsonValue(1), QStringLiteral("field \"user\": must be a string"));
    row("resume token number", R"({"type":"resume","id":1,"token":12345})", bad, QJsonValue(1),
        QStringLiteral("field \"token\": must be a string"));
    // Identifiers.
    row("call id empty", R"({"type":"call.accept","id":8,"call":""})", bad, QJsonValue(8),
        QStringLiteral("field \"call\": must not be empty"));
    row("call id number", R"({"type":"call.accept","id":8,"call":4711})", bad, QJsonValue(8),
        QStringLiteral("field \"call\": must be a string"));
    row("call id too long",
        "{\"type\":\"call.hold\",\"id\":8,\"call\":\"" + QByteArray(129, 'c') + "\"}", bad,
        QJsonValue(8), QStringLiteral("field \"call\": longer than 128 characters"));
    row("call missing", R"({"type":"call.mute","id":8})", bad, QJsonValue(8),
        QStringLiteral("field \"call\": required"));
    // Additions: worklist and reports.
    row("worklist entry missing", R"({"type":"worklist.done","id":20})", bad, QJsonValue(20),
        QStringLiteral("field \"entry\": required"));
    row("report bad date", R"({"type":"report.get","id":21,"from":"2026-13-01","to":"2026-11-24"})",
        bad, QJsonValue(21), QStringLiteral("field \"from\": must be a date YYYY-MM-DD"));
    row("report range reversed",
        R"({"type":"report.get","id":22,"from":"2026-11-24","to":"2026-11-01"})", bad,
        QJsonValue(22), QStringLiteral("field \"to\": must be on or after from"));
    // DTMF, transfer.
    row("dtmf letters", R"({"type":"call.dtmf","id":9,"call":"c","digits":"12a"})", bad,
        QJsonValue(9), QStringLiteral("field \"digits\": only 0-9, * and # allowed"));
    row("dtmf too long",
        "{\"type\":\"call.dtmf\",\"id\":9,\"call\":\"c\",\"digits\":\"" + QByteArray(65, '1') +
            "\"}",
        bad, QJsonValue(9), QStringLiteral("field \"digits\": longer than 64"));
    row("transfer two targets",
        R"({"type":"call.transfer","id":9,"call":"c","to":{"queue":"q","agent":"a"}})", bad,
        QJsonValue(9), QStringLiteral("field \"to\": must hold exactly one of"));
    row("transfer unknown target",
        R"({"type":"call.transfer","id":9,"call":"c","to":{"desk":"7"}})", bad, QJsonValue(9),
        QStringLiteral("field \"to\": unknown target \"desk\""));
    row("transfer to string", R"({"type":"call.transfer","id":9,"call":"c","to":"sales"})", bad,
        QJsonValue(9), QStringLiteral("field \"to\": must be an object"));
    row("transfer empty number", R"({"type":"call.transfer","id":9,"call":"c","to":{"number":""}})",
        bad, QJsonValue(9), QStringLiteral("field \"to.number\": must not be empty"));
    // stats.subscribe
    row("subscribe empty", R"({"type":"stats.subscribe","id":20,"queues":[]})", bad, QJsonValue(20),
        QStringLiteral("field \"queues\": must not be empty"));
    row("subscribe star mixed", R"({"type":"stats.subscribe","id":20,"queues":["*","support"]})",
        bad, QJsonValue(20), QStringLiteral("field \"queues\": \"*\" must stand alone"));
    row("subscribe number", R"({"type":"stats.subscribe","id":20,"queues":["a",1]})", bad,
        QJsonValue(20), QStringLiteral("field \"queues[1]\": must be a string"));
    row("subscribe not list", R"({"type":"stats.subscribe","id":20,"queues":"*"})", bad,
        QJsonValue(20), QStringLiteral("field \"queues\": must be an array"));
    // broadcast
    row("broadcast empty", R"({"type":"broadcast","id":27,"text":""})", bad, QJsonValue(27),
        QStringLiteral("field \"text\": must not be empty"));
    row("broadcast too long",
        "{\"type\":\"broadcast\",\"id\":27,\"text\":\"" + QByteArray(1001, 't') + "\"}", bad,
        QJsonValue(27), QStringLiteral("field \"text\": longer than 1000"));
    row("broadcast severity", R"({"type":"broadcast","id":27,"text":"x","severity":"critical"})",
        bad, QJsonValue(27), QStringLiteral("field \"severity\": unknown value \"critical\""));
    // gw.*
    row("arrive queue and dialed",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","dialed":"+49","caller":{"number":"1"}})",
        bad, QJsonValue(29), QStringLiteral("exactly one of \"queue\" and \"dialed\""));
    row("arrive neither", R"({"type":"gw.arrive","id":29,"call":"g1","caller":{"number":"1"}})",
        bad, QJsonValue(29), QStringLiteral("exactly one of \"queue\" and \"dialed\""));
    row("arrive caller number missing",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"name":"X"}})", bad,
        QJsonValue(29), QStringLiteral("field \"caller.number\": required"));
    row("arrive priority huge",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"priority":1e20})",
        bad, QJsonValue(29), QStringLiteral("field \"priority\": must be an integer"));
    row("arrive priority out of range",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"priority":9007199254740993})",
        bad, QJsonValue(29), QStringLiteral("field \"priority\": out of range"));
    row("arrive priority fraction",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"priority":2.5})",
        bad, QJsonValue(29), QStringLiteral("field \"priority\": must be an integer"));
    row("arrive data array",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"data":[1]})",
        bad, QJsonValue(29), QStringLiteral("field \"data\": must be an object"));
    row("arrive data deep",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"data":)" +
            QByteArray(17, '[') + QByteArray(17, ']') + "}",
        bad, QJsonValue(29), QStringLiteral("field \"data\": must be an object"));
    row("arrive data nested too deep",
        R"({"type":"gw.arrive","id":29,"call":"g1","queue":"q","caller":{"number":"1"},"data":{"a":)" +
            QByteArray(16, '[') + QByteArray(16, ']') + "}}",
        bad, QJsonValue(29), QStringLiteral("field \"data\": nested deeper than 16 levels"));
    row("hangup unknown side", R"({"type":"gw.hangup","id":32,"call":"g1","side":"both"})", bad,
        QJsonValue(32), QStringLiteral("field \"side\": unknown value \"both\""));
    row("ring failed unknown cause",
        R"({"type":"gw.ringFailed","id":34,"call":"g1","agent":"a1","cause":"asleep"})", bad,
        QJsonValue(34), QStringLiteral("field \"cause\": unknown value \"asleep\""));
    row("digits not dtmf", R"({"type":"gw.digits","id":35,"call":"g1","digits":"12x"})", bad,
        QJsonValue(35), QStringLiteral("field \"digits\": only 0-9, * and # allowed"));
    row("new password too short",
        R"({"type":"admin.setPassword","id":36,"user":"1001","password":"short"})", bad,
        QJsonValue(36), QStringLiteral("field \"password\": shorter than 8 characters"));
    row("set password unknown role",
        R"({"type":"admin.setPassword","id":37,"role":"boss","user":"x","password":"longenough"})",
        bad, QJsonValue(37), QStringLiteral("field \"role\": unknown value \"boss\""));
    row("own password without old",
        R"({"type":"account.setPassword","id":38,"password":"longenough"})", bad, QJsonValue(38),
        QStringLiteral("field \"oldPassword\": required"));
    row("config put without config", R"({"type":"admin.config.put","id":41,"version":"abc"})", bad,
        QJsonValue(41), QStringLiteral("field \"config\": required"));
    row("audit list bad limit",
        R"({"type":"audit.list","id":39,"from":"2026-12-01","to":"2026-12-02","limit":0})", bad,
        QJsonValue(39), QStringLiteral("field \"limit\""));
    row("audit list over a year",
        R"({"type":"audit.list","id":40,"from":"2025-01-01","to":"2026-12-02"})", bad,
        QJsonValue(40), QStringLiteral("field \"to\": must be on or after from"));
    row("supervisor state logged_out",
        R"({"type":"supervisor.setAgentState","id":"s","agent":"1001","state":"logged_out"})", bad,
        QJsonValue(QStringLiteral("s")), QStringLiteral("field \"state\": must be"));
}

void TestProtocol::malformed()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, code);
    QFETCH(QJsonValue, id);
    QFETCH(QString, message);

    const auto result = decodeRequest(QByteArrayView(frame));
    QVERIFY2(std::holds_alternative<DecodeError>(result), "decoded although malformed");
    const DecodeError &e = std::get<DecodeError>(result);
    QCOMPARE(errorCodeName(e.code), code);
    QCOMPARE(e.hasId(), !id.isUndefined());
    QCOMPARE(e.id, id);
    QVERIFY2(e.message.contains(message), qPrintable(e.message));
    QVERIFY(!e.message.isEmpty());
    // The error reply built from it carries `re` exactly when an id was read.
    const QJsonObject reply = ErrorReply::from(e).toJson();
    QCOMPARE(reply.contains(QLatin1String("re")), !id.isUndefined());
    QCOMPARE(reply.value(QLatin1String("code")).toString(), code);
}

void TestProtocol::malformedServer_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    const QString bad = QStringLiteral("bad_request");
    QTest::newRow("not json") << QByteArray("{") << bad << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[]") << bad << QStringLiteral("JSON object");
    QTest::newRow("no type") << QByteArray(R"({"seq":1})") << bad
                             << QStringLiteral("field \"type\": required");
    QTest::newRow("unknown type") << QByteArray(R"({"type":"gw.explode","seq":1})")
                                  << QStringLiteral("unknown_type")
                                  << QStringLiteral("unknown type \"gw.explode\"");
    QTest::newRow("seq zero") << QByteArray(R"({"type":"gw.drop","seq":0,"call":"c"})") << bad
                              << QStringLiteral("field \"seq\": out of range");
    QTest::newRow("seq string") << QByteArray(R"({"type":"gw.drop","seq":"1","call":"c"})") << bad
                                << QStringLiteral("field \"seq\": must be an integer");
    QTest::newRow("offer without call")
        << QByteArray(R"({"type":"call.offer","seq":2,"timeoutMs":1})") << bad
        << QStringLiteral("field \"call\": required");
    QTest::newRow("call bad time")
        << QByteArray(
               R"({"type":"call.update","seq":2,"call":{"id":"c","queue":"q","direction":"inbound","caller":{"number":"1"},"hotline":null,"state":"queued","arrivedAt":"2026-11-24 09:12:03","answeredAt":null,"waitedMs":0,"priority":0,"muted":false,"data":{}}})")
        << bad << QStringLiteral("field \"call.arrivedAt\": must be an ISO 8601 UTC time");
    QTest::newRow("call unknown state")
        << QByteArray(
               R"({"type":"call.update","seq":2,"call":{"id":"c","queue":"q","direction":"inbound","caller":{"number":"1"},"hotline":null,"state":"parked","arrivedAt":"2026-11-24T09:12:03.000Z","answeredAt":null,"waitedMs":0,"priority":0,"muted":false,"data":{}}})")
        << bad << QStringLiteral("field \"call.state\": unknown value \"parked\"");
    QTest::newRow("error unknown code")
        << QByteArray(R"({"type":"error","code":"oops","message":"m"})") << bad
        << QStringLiteral("field \"code\": unknown value \"oops\"");
    QTest::newRow("stats agent bad")
        << QByteArray(
               R"({"type":"stats","seq":3,"time":"2026-11-24T09:12:03.000Z","queues":[],"agents":[7]})")
        << bad << QStringLiteral("field \"agents[0]\": must be an object");
}

void TestProtocol::malformedServer()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto result = decodeServerMessage(QByteArrayView(frame));
    QVERIFY(std::holds_alternative<DecodeError>(result));
    const DecodeError &e = std::get<DecodeError>(result);
    QCOMPARE(errorCodeName(e.code), code);
    QVERIFY2(e.message.contains(message), qPrintable(e.message));
}

void TestProtocol::envelope_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QJsonValue>("id");
    QTest::addColumn<QString>("key");
    QTest::newRow("no id") << QByteArray(R"({"type":"logout"})")
                           << QJsonValue(QJsonValue::Undefined) << QString();
    QTest::newRow("int id") << QByteArray(R"({"type":"logout","id":0})") << QJsonValue(0)
                            << QString();
    QTest::newRow("negative id") << QByteArray(R"({"type":"logout","id":-17})") << QJsonValue(-17)
                                 << QString();
    QTest::newRow("2^53") << QByteArray(R"({"type":"logout","id":9007199254740992})")
                          << QJsonValue(qint64(9007199254740992)) << QString();
    QTest::newRow("-2^53") << QByteArray(R"({"type":"logout","id":-9007199254740992})")
                           << QJsonValue(qint64(-9007199254740992)) << QString();
    QTest::newRow("whole double") << QByteArray(R"({"type":"logout","id":2.0})") << QJsonValue(2)
                                  << QString();
    QTest::newRow("string id 128")
        << ("{\"type\":\"logout\",\"id\":\"" + QByteArray(128, 'i') + "\"}")
        << QJsonValue(QString(128, QLatin1Char('i'))) << QString();
    QTest::newRow("key 128") << ("{\"type\":\"agent.endWrapUp\",\"key\":\"" + QByteArray(128, 'k') +
                                 "\"}")
                             << QJsonValue(QJsonValue::Undefined) << QString(128, QLatin1Char('k'));
    QTest::newRow("unknown fields ignored")
        << QByteArray(R"({"type":"call.hold","id":"x","call":"c","extra":{"deep":[1,2]}})")
        << QJsonValue(QStringLiteral("x")) << QString();
}

void TestProtocol::envelope()
{
    QFETCH(QByteArray, frame);
    QFETCH(QJsonValue, id);
    QFETCH(QString, key);
    const auto env = decodeEnvelope(QByteArrayView(frame));
    QVERIFY2(std::holds_alternative<Envelope>(env), qPrintable(errorText(env)));
    const Envelope &e = std::get<Envelope>(env);
    QCOMPARE(e.id, id);
    QCOMPARE(e.hasId(), !id.isUndefined());
    QCOMPARE(e.key, key);
    QVERIFY(std::holds_alternative<Request>(decodeRequest(e)));
}

void TestProtocol::permissions_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("agent");
    QTest::addColumn<bool>("supervisor");
    QTest::addColumn<bool>("wallboard");
    QTest::addColumn<bool>("gateway");
    const auto row = [](const char *t, bool a, bool s, bool w, bool g) {
        QTest::newRow(t) << QString::fromLatin1(t) << a << s << w << g;
    };
    row("login", false, false, false, false);
    row("resume", false, false, false, false);
    row("logout", true, true, true, true);
    row("agent.setState", true, false, false, false);
    row("agent.endWrapUp", true, false, false, false);
    for (const char *t : {"call.accept", "call.reject", "call.hangup", "call.hold", "call.resume",
                          "call.mute", "call.unmute", "call.dtmf", "call.transfer", "call.dial"})
        row(t, true, false, false, false);
    row("stats.subscribe", true, true, true, false);
    row("stats.unsubscribe", true, true, true, false);
    row("supervisor.setAgentState", false, true, false, false);
    row("supervisor.logoutAgent", false, true, false, false);
    row("broadcast", false, true, false, false);
    row("gw.arrive", false, false, false, true);
    row("gw.answered", false, false, false, true);
    row("gw.hangup", false, false, false, true);
    row("gw.ringFailed", false, false, false, true);
    row("gw.digits", false, false, false, true);
    row("worklist.list", true, true, false, false);
    row("worklist.done", true, true, false, false);
    row("report.get", false, true, false, false);
    row("admin.setPassword", false, true, false, false); // and the admin flag (server)
    row("account.setPassword", true, true, false, false);
    row("audit.list", false, true, false, false);
    row("admin.config.get", false, true, false, false);
    row("admin.config.put", false, true, false, false);
    row("gw.ring", false, false, false, false); // an event, not a request
    row("agent.sleep", false, false, false, false);
}

void TestProtocol::permissions()
{
    QFETCH(QString, type);
    QFETCH(bool, agent);
    QFETCH(bool, supervisor);
    QFETCH(bool, wallboard);
    QFETCH(bool, gateway);
    QCOMPARE(roleMayUse(Role::Agent, type), agent);
    QCOMPARE(roleMayUse(Role::Supervisor, type), supervisor);
    QCOMPARE(roleMayUse(Role::Wallboard, type), wallboard);
    QCOMPARE(roleMayUse(Role::Gateway, type), gateway);
    const bool session = type == QLatin1String("login") || type == QLatin1String("resume");
    QCOMPARE(requiresAuthentication(type), !session);
    const bool mutating =
        isKnownRequestType(type) && !session && type != QLatin1String("logout") &&
        !type.startsWith(QLatin1String("stats.")) && type != QLatin1String("worklist.list") &&
        type != QLatin1String("report.get") && type != QLatin1String("audit.list") &&
        type != QLatin1String("admin.config.get") &&
        // repeating a password change changes nothing more (4.6)
        !type.endsWith(QLatin1String("setPassword"));
    QCOMPARE(isMutatingRequestType(type), mutating);
}

void TestProtocol::enums()
{
    const auto check = [](auto first, int count, const QStringList &names) {
        using E = decltype(first);
        QCOMPARE(count, names.size());
        for (int i = 0; i < count; ++i) {
            const E v = static_cast<E>(i);
            QCOMPARE(toString(v), names.at(i));
            QCOMPARE(fromString<E>(names.at(i)), std::optional<E>(v));
            QCOMPARE(fromString<E>(names.at(i).toUpper()), std::nullopt);
        }
        QCOMPARE(fromString<E>(u""), std::nullopt);
        QCOMPARE(fromString<E>(u"sleeping"), std::nullopt);
    };
    check(Role{}, 4, {"agent", "supervisor", "wallboard", "gateway"});
    check(AgentState{}, 6, {"logged_out", "not_ready", "ready", "ringing", "on_call", "wrap_up"});
    check(CallState{}, 5, {"queued", "offered", "connected", "held", "ended"});
    check(Direction{}, 2, {"inbound", "outbound"});
    check(EndCause{}, 7,
          {"agent_hangup", "caller_hangup", "transferred", "rejected", "no_answer", "withdrawn",
           "agent_lost"});
    check(Severity{}, 3, {"info", "warning", "alert"});
    check(HangupSide{}, 2, {"caller", "agent"});
    check(TransferKind{}, 3, {"queue", "agent", "number"});
}

void TestProtocol::errorCodes()
{
    const QStringList names = {"bad_request",  "unknown_type", "not_authenticated", "auth_failed",
                               "forbidden",    "not_found",    "invalid_state",     "conflict",
                               "rate_limited", "internal"};
    for (int i = 0; i < names.size(); ++i) {
        const auto c = static_cast<ErrorCode>(i);
        QCOMPARE(errorCodeName(c), names.at(i));
        QVERIFY(errorCodeFromName(names.at(i)) == c);
    }
    QVERIFY(!errorCodeFromName(u"BAD_REQUEST"));
    QVERIFY(!errorCodeFromName(u"teapot"));
}

void TestProtocol::times_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms"); // -1: must be refused
    QTest::addColumn<QString>("formatted");
    QTest::newRow("contract") << "2026-11-24T09:12:03.120Z" << qint64(1795511523120)
                              << "2026-11-24T09:12:03.120Z";
    QTest::newRow("epoch") << "1970-01-01T00:00:00.000Z" << qint64(0) << "1970-01-01T00:00:00.000Z";
    QTest::newRow("before epoch") << "1969-12-31T23:59:59.999Z" << qint64(-1)
                                  << "1969-12-31T23:59:59.999Z";
    QTest::newRow("leap day") << "2028-02-29T23:59:59.999Z" << qint64(1835481599999)
                              << "2028-02-29T23:59:59.999Z";
    QTest::newRow("no fraction") << "2026-11-24T09:12:03Z" << qint64(1795511523000)
                                 << "2026-11-24T09:12:03.000Z";
    QTest::newRow("micro") << "2026-11-24T09:12:03.120999Z" << qint64(1795511523120)
                           << "2026-11-24T09:12:03.120Z";
    QTest::newRow("one digit") << "2026-11-24T09:12:03.1Z" << qint64(1795511523100)
                               << "2026-11-24T09:12:03.100Z";
    QTest::newRow("offset") << "2026-11-24T10:12:03.120+01:00" << qint64(1795511523120)
                            << "2026-11-24T09:12:03.120Z";
    QTest::newRow("no zone") << "2026-11-24T09:12:03.120" << qint64(-1) << QString();
    QTest::newRow("space") << "2026-11-24 09:12:03.120Z" << qint64(-1) << QString();
    QTest::newRow("feb 30") << "2026-02-30T00:00:00.000Z" << qint64(-1) << QString();
    QTest::newRow("feb 29 non-leap") << "2026-02-29T00:00:00.000Z" << qint64(-1) << QString();
    QTest::newRow("hour 24") << "2026-11-24T24:00:00.000Z" << qint64(-1) << QString();
    QTest::newRow("trailing") << "2026-11-24T09:12:03.120Zx" << qint64(-1) << QString();
    QTest::newRow("empty dot") << "2026-11-24T09:12:03.Z" << qint64(-1) << QString();
    QTest::newRow("empty") << "" << qint64(-1) << QString();
}

void TestProtocol::times()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QFETCH(QString, formatted);
    const std::optional<qint64> parsed = parseTime(text);
    if (formatted.isEmpty()) {
        QCOMPARE(parsed, std::nullopt);
        return;
    }
    QCOMPARE(parsed, std::optional<qint64>(ms));
    QCOMPARE(formatTime(ms), formatted);
    QCOMPARE(parseTime(formatTime(ms)), std::optional<qint64>(ms));
}

void TestProtocol::defaultsAndHelpers()
{
    // broadcast: severity defaults to info.
    const auto b = decodeRequest(QByteArrayView(R"({"type":"broadcast","text":"hi"})"));
    QVERIFY(std::holds_alternative<Request>(b));
    const auto *br = std::get_if<BroadcastRequest>(&std::get<Request>(b));
    QVERIFY(br);
    QCOMPARE(br->text, QStringLiteral("hi"));
    QVERIFY(br->severity == Severity::Info);

    // stats.subscribe ["*"].
    StatsSubscribeRequest all;
    all.queues = QStringList{QStringLiteral("*")};
    QVERIFY(all.allQueues());

    // Errors from step 3 carry the envelope's id; fromJson alone carries none.
    const auto direct = AgentSetStateRequest::fromJson(QJsonObject{{"state", "nope"}});
    QVERIFY(std::holds_alternative<DecodeError>(direct));
    QVERIFY(!std::get<DecodeError>(direct).hasId());

    // A client builds a frame with id and key.
    CallTransferRequest t;
    t.call = QStringLiteral("c1");
    t.to = TransferTarget{TransferKind::Agent, QStringLiteral("1002")};
    QCOMPARE(QJsonDocument::fromJson(encodeRequest(t, QJsonValue(5), QStringLiteral("k"))).object(),
             (QJsonObject{{"type", "call.transfer"},
                          {"id", 5},
                          {"key", "k"},
                          {"call", "c1"},
                          {"to", QJsonObject{{"agent", "1002"}}}}));

    // withSeq on an empty object and on something that is not an object.
    QCOMPARE(withSeq("{}", 7), QByteArray(R"({"seq":7})"));
    QCOMPARE(withSeq("[]", 7), QByteArray("[]"));
    QCOMPARE(withSeq(R"({"type":"gw.drop","call":"c"})", 18446744073709551615ULL),
             QByteArray(R"({"seq":18446744073709551615,"type":"gw.drop","call":"c"})"));

    // Events encode seq only when set; replies never carry it.
    GwDropEvent drop;
    drop.call = QStringLiteral("c");
    QVERIFY(!drop.toJson().contains(QLatin1String("seq")));
    drop.seq = 3;
    QCOMPARE(drop.toJson().value(QLatin1String("seq")), QJsonValue(3));

    // An error reply from a decode error.
    const DecodeError e{ErrorCode::NotFound, QStringLiteral("no such call"), QJsonValue(9)};
    QCOMPARE(
        ErrorReply::from(e).toJson(),
        (QJsonObject{
            {"type", "error"}, {"re", 9}, {"code", "not_found"}, {"message", "no such call"}}));

    // isValidDtmf boundaries.
    QVERIFY(isValidDtmf(QString(64, QLatin1Char('#'))));
    QVERIFY(!isValidDtmf(QString(65, QLatin1Char('#'))));
    QVERIFY(!isValidDtmf(u""));
    QVERIFY(!isValidDtmf(u"1 2"));
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
