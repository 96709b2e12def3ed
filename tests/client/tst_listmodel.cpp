// The client's list models (core/listmodel.h) and the result structs of ok replies
// (core/protocol/results.h): roles are the codec's field names, a full picture with the
// same rows keeps them and signals only the changed ones, and each result decodes what it
// encodes and names the field it refuses.

#include "listmodel.h"
#include "protocol/results.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace acdesk;
using acdesk::client::ListModel;

namespace {

proto::QueueStats queue(const QString &id, int waiting)
{
    proto::QueueStats q;
    q.id = id;
    q.name = QStringLiteral("Queue ") + id;
    q.waiting = waiting;
    return q;
}

int role(const QAbstractItemModel &m, const QByteArray &name)
{
    return m.roleNames().key(name, -1);
}

template<typename T>
T decoded(const std::variant<T, proto::DecodeError> &v)
{
    if (const auto *e = std::get_if<proto::DecodeError>(&v))
        qWarning() << "decode error:" << e->message;
    return std::get<T>(v);
}

} // namespace

class TestListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rolesAreTheCodecsFields()
    {
        ListModel<proto::QueueStats> m(proto::QueueStats{},
                                       [](const proto::QueueStats &q) { return q.id; });
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QStringList names;
        for (const QByteArray &n : m.roleNames())
            names.append(QString::fromUtf8(n));
        names.sort();
        QStringList fields = proto::QueueStats{}.toJson().keys();
        fields.sort();
        QCOMPARE(names, fields);
        m.assign({queue(QStringLiteral("support"), 2)});
        const QModelIndex first = m.index(0);
        QCOMPARE(m.data(first, role(m, "waiting")).toInt(), 2);
        QCOMPARE(m.data(first, role(m, "name")).toString(), QStringLiteral("Queue support"));
        // nested objects read as script objects, exactly as encoded
        QCOMPARE(m.data(first, role(m, "today")).toMap().value(QStringLiteral("offered")).toInt(),
                 0);
        QCOMPARE(m.data(first, Qt::DisplayRole), QVariant());
        QCOMPARE(m.get(0).value(QStringLiteral("id")).toString(), QStringLiteral("support"));
        QCOMPARE(m.find(QStringLiteral("support")).value(QStringLiteral("waiting")).toInt(), 2);
        QVERIFY(m.find(QStringLiteral("nope")).isEmpty());
        QVERIFY(m.get(7).isEmpty());
    }

    void sameRowsSignalOnlyWhatChanged()
    {
        ListModel<proto::QueueStats> m(proto::QueueStats{},
                                       [](const proto::QueueStats &q) { return q.id; });
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.assign({queue(QStringLiteral("a"), 0), queue(QStringLiteral("b"), 0),
                  queue(QStringLiteral("c"), 0)});
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QSignalSpy count(&m, &client::RowModel::countChanged);
        // The stats of a second later: only b's figures differ.
        m.assign({queue(QStringLiteral("a"), 0), queue(QStringLiteral("b"), 4),
                  queue(QStringLiteral("c"), 0)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(count.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.constFirst().at(0).toModelIndex().row(), 1);
        QCOMPARE(m.rows().at(1).waiting, 4);
        // A queue added by a configuration change: a reset, and the count follows.
        m.assign({queue(QStringLiteral("a"), 0), queue(QStringLiteral("b"), 4),
                  queue(QStringLiteral("c"), 0), queue(QStringLiteral("d"), 1)});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(count.size(), 1);
        QCOMPARE(m.count(), 4);
        QCOMPARE(m.indexOf(QStringLiteral("d")), 3);
    }

    void upsertAndRemove()
    {
        ListModel<proto::QueueStats> m(proto::QueueStats{},
                                       [](const proto::QueueStats &q) { return q.id; });
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.upsert(queue(QStringLiteral("a"), 0));
        m.upsert(queue(QStringLiteral("b"), 0), 0); // on top
        QCOMPARE(m.get(0).value(QStringLiteral("id")).toString(), QStringLiteral("b"));
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        m.upsert(queue(QStringLiteral("a"), 9)); // known: replaced in place
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(m.count(), 2);
        QCOMPARE(m.byKey(QStringLiteral("a"))->waiting, 9);
        QVERIFY(m.remove(QStringLiteral("b")));
        QVERIFY(!m.remove(QStringLiteral("b")));
        QCOMPARE(m.count(), 1);
        m.removeLast();
        QCOMPARE(m.count(), 0);
        // Rows without a key (a history) are added each time.
        ListModel<proto::QueueStats> keyless(proto::QueueStats{}, {});
        keyless.upsert(queue(QStringLiteral("x"), 0));
        keyless.upsert(queue(QStringLiteral("x"), 0));
        QCOMPARE(keyless.count(), 2);
        QCOMPARE(keyless.indexOf(QStringLiteral("x")), -1);
    }

    void resultsRoundTrip()
    {
        proto::ReportQueueRow day;
        day.day = QDate(2026, 12, 5);
        day.queue = QStringLiteral("support");
        day.offered = 3;
        day.answered = 2;
        day.serviceLevel = 0.5;
        proto::ReportQueueRow hour = day;
        hour.hour = 9;
        proto::ReportAgentRow agent;
        agent.day = day.day;
        agent.agent = QStringLiteral("a1");
        agent.talkMs = 60000;
        agent.notReadyByReasonMs = {{QStringLiteral("-"), 1000}, {QStringLiteral("break"), 5}};
        agent.callsHandled = 2;
        const proto::ReportResult report{{day, hour}, {agent}, QStringLiteral("day,hour\n"), {}};
        const QJsonObject json = report.toJson();
        QCOMPARE(json.value(QStringLiteral("queues"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("hour")),
                 QJsonValue(QJsonValue::Null));
        QCOMPARE(json.value(QStringLiteral("queues"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("day")),
                 QJsonValue(QStringLiteral("2026-12-05")));
        QCOMPARE(decoded(proto::ReportResult::fromJson(json)), report);

        proto::WorklistEntry entry;
        entry.id = QStringLiteral("c1#1");
        entry.queue = QStringLiteral("sales");
        entry.caller = {QStringLiteral("+4940123"), {}};
        entry.abandonedAt = 1764925200000;
        entry.doneBy = QStringLiteral("boss");
        entry.doneAt = 1764925300000;
        const proto::WorklistListResult list{{entry}};
        QCOMPARE(decoded(proto::WorklistListResult::fromJson(list.toJson())), list);
        const proto::WorklistDoneResult done{entry};
        QCOMPARE(decoded(proto::WorklistDoneResult::fromJson(done.toJson())), done);

        proto::AuditEvent a;
        a.time = 1764925200000;
        a.actor = QStringLiteral("supervisor/boss");
        a.action = QStringLiteral("agent.forceState");
        a.target = QStringLiteral("a1");
        const proto::AuditListResult audit{{a}};
        const QJsonObject auditJson = audit.toJson();
        const QJsonObject first =
            auditJson.value(QStringLiteral("entries")).toArray().at(0).toObject();
        QVERIFY(!first.contains(QStringLiteral("type")));
        QVERIFY(!first.contains(QStringLiteral("seq")));
        QCOMPARE(decoded(proto::AuditListResult::fromJson(auditJson)), audit);

        const proto::AdminConfigResult get{QStringLiteral("0123456789abcdef"),
                                           QJsonObject{{QStringLiteral("queues"), QJsonArray()}},
                                           std::nullopt};
        QVERIFY(!get.toJson().contains(QStringLiteral("restartNeeded")));
        QCOMPARE(decoded(proto::AdminConfigResult::fromJson(get.toJson())), get);
        const proto::AdminConfigResult put{QStringLiteral("0123456789abcdef"), std::nullopt,
                                           QStringList{QStringLiteral("server.listen")}};
        QCOMPARE(decoded(proto::AdminConfigResult::fromJson(put.toJson())), put);

        const proto::CallDialResult dialed{QStringLiteral("out-1")};
        QCOMPARE(decoded(proto::CallDialResult::fromJson(dialed.toJson())), dialed);

        const proto::GwArriveResult arrived{QStringLiteral("c9"), {}, {}, {}, {}};
        QCOMPARE(arrived.toJson().value(QStringLiteral("queue")), QJsonValue(QString()));
        QCOMPARE(decoded(proto::GwArriveResult::fromJson(arrived.toJson())), arrived);
        const proto::GwArriveResult placed{QStringLiteral("c9"), QStringLiteral("sales"), 3, 42.5,
                                           QStringLiteral("1")};
        QCOMPARE(placed.toJson().value(QStringLiteral("callbackKey")),
                 QJsonValue(QStringLiteral("1")));
        QCOMPARE(placed.toJson().value(QStringLiteral("position")), QJsonValue(3));
        QCOMPARE(decoded(proto::GwArriveResult::fromJson(placed.toJson())), placed);
        const proto::GwArriveResult unbounded{
            QStringLiteral("c9"), QStringLiteral("sales"), 1, std::nullopt, {}};
        QVERIFY(!unbounded.toJson().contains(QStringLiteral("callbackKey")));
        QCOMPARE(unbounded.toJson().value(QStringLiteral("ewtSeconds")), QJsonValue());
        QCOMPARE(decoded(proto::GwArriveResult::fromJson(unbounded.toJson())), unbounded);
    }

    void resultsNameTheFieldTheyRefuse_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const QByteArray row = R"({"day":"2026-12-05","hour":null,"queue":"q","offered":1,)"
                               R"("answered":1,"abandoned":0,"shortAbandoned":0,"answeredInSl":1,)"
                               R"("overflowed":0,"serviceLevel":1,"asaMs":1,"ahtMs":1,)"
                               R"("abandonRate":0,"reachability":1,"longestWaitMs":0})";
        QTest::newRow("bad day")
            << QByteArray(R"({"queues":[)" + QByteArray(row).replace("2026-12-05", "yesterday") +
                          R"(],"agents":[],"queuesCsv":"","agentsCsv":""})")
            << QStringLiteral(
                   "field \"queues[0].day\": must be a date YYYY-MM-DD, got \"yesterday\"");
        QTest::newRow("hour 24")
            << QByteArray(R"({"queues":[)" +
                          QByteArray(row).replace("\"hour\":null", "\"hour\":24") +
                          R"(],"agents":[],"queuesCsv":"","agentsCsv":""})")
            << QStringLiteral("field \"queues[0].hour\": out of range [0, 23]");
        QTest::newRow("negative reason time")
            << QByteArray(
                   R"({"queues":[],"agents":[{"day":"2026-12-05","agent":"a1","loggedInMs":0,)"
                   R"("readyMs":0,"talkMs":0,"wrapUpMs":0,"notReadyMs":0,)"
                   R"("notReadyByReasonMs":{"break":-1},"callsHandled":0}],)"
                   R"("queuesCsv":"","agentsCsv":""})")
            << QStringLiteral("field \"agents[0].notReadyByReasonMs.break\": must be a "
                              "non-negative integer");
    }

    void resultsNameTheFieldTheyRefuse()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto result = proto::ReportResult::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(std::holds_alternative<proto::DecodeError>(result));
        QCOMPARE(std::get<proto::DecodeError>(result).message, message);
    }
};

QTEST_GUILESS_MAIN(TestListModel)
#include "tst_listmodel.moc"
