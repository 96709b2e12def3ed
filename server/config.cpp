// The config validator: every section read through one Reader, so that each mistake is
// reported the same way ("FILE: $.path: reason"). About 680 lines, kept in one file on
// purpose: splitting the sections apart would put Reader in a header for no reader's gain.
#include "config.h"

#include "auth.h"
#include "transport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace acdesk::server {

namespace {

// Walks the JSON with the path of every value, so each mistake can be reported as
// "FILE: $.queues[0].strategy: reason". The first mistake wins.
class Reader
{
public:
    QString error;

    bool failed() const { return !error.isEmpty(); }
    void fail(const QString &path, const QString &reason)
    {
        if (error.isEmpty())
            error = path + QStringLiteral(": ") + reason;
    }

    // Unknown keys are refused: a misspelt "wrapupSeconds" would otherwise be ignored
    // silently and the default used, which is the kind of mistake nobody finds.
    void onlyKeys(const QJsonObject &o, const QString &path, const QStringList &allowed)
    {
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!allowed.contains(it.key()))
                fail(path + QLatin1Char('.') + it.key(), QStringLiteral("unknown key"));
    }

    QJsonObject object(const QJsonValue &v, const QString &path)
    {
        if (!v.isObject())
            fail(path, QStringLiteral("must be an object"));
        return v.toObject();
    }

    QJsonArray array(const QJsonObject &o, const QString &key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray())
            fail(path + QLatin1Char('.') + key, QStringLiteral("must be an array"));
        return v.toArray();
    }

    QString string(const QJsonObject &o, const QString &key, const QString &path, bool required,
                   const QString &fallback = {})
    {
        const QJsonValue v = o.value(key);
        const QString p = path + QLatin1Char('.') + key;
        if (v.isUndefined() || (v.isNull() && !required)) {
            if (required)
                fail(p, QStringLiteral("is required"));
            return fallback;
        }
        if (!v.isString()) {
            fail(p, QStringLiteral("must be a string"));
            return fallback;
        }
        if (required && v.toString().isEmpty())
            fail(p, QStringLiteral("must not be empty"));
        return v.toString();
    }

    QString identifier(const QJsonObject &o, const QString &key, const QString &path)
    {
        static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.@+-]{1,64}$"));
        const QString s = string(o, key, path, true);
        if (!failed() && !re.match(s).hasMatch())
            fail(path + QLatin1Char('.') + key,
                 QStringLiteral("\"%1\" is not a valid id (1-64 letters, digits, _ . @ + -)")
                     .arg(s));
        return s;
    }

    double number(const QJsonObject &o, const QString &key, const QString &path, double fallback,
                  double min, double max, bool integer = true)
    {
        const QJsonValue v = o.value(key);
        const QString p = path + QLatin1Char('.') + key;
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble()) {
            fail(p, QStringLiteral("must be a number"));
            return fallback;
        }
        const double d = v.toDouble();
        // No cast to an integer before the range check: 1e44 would be undefined behaviour
        // (found by the config fuzzer).
        if (integer && std::floor(d) != d) {
            fail(p, QStringLiteral("must be a whole number"));
            return fallback;
        }
        if (d < min || d > max) {
            fail(p, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
            return fallback;
        }
        return d;
    }

    QHash<QString, int> skills(const QJsonObject &o, const QString &key, const QString &path)
    {
        QHash<QString, int> out;
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return out;
        const QString p = path + QLatin1Char('.') + key;
        const QJsonObject s = object(v, p);
        for (auto it = s.begin(); it != s.end(); ++it)
            out.insert(it.key(), int(number(s, it.key(), p, 0, 0, 1000)));
        return out;
    }
};

QString at(const QString &path, qsizetype i)
{
    return path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
}

void readAccount(Reader &r, const QJsonObject &o, const QString &path, const QString &secretKey,
                 Account *a)
{
    a->id = r.identifier(o, QStringLiteral("id"), path);
    a->name = r.string(o, QStringLiteral("name"), path, false, a->id);
    if (a->name.isEmpty())
        a->name = a->id;
    a->secret = r.string(o, secretKey, path, false);
    a->secretHash = r.string(o, QStringLiteral("passwordHash"), path, false);
    if (r.failed())
        return;
    if (a->secret.isEmpty() && a->secretHash.isEmpty())
        r.fail(path + QLatin1Char('.') + secretKey,
               QStringLiteral("is required (or give \"passwordHash\")"));
    else if (!a->secretHash.isEmpty() && !password::isHash(a->secretHash))
        r.fail(path + QStringLiteral(".passwordHash"),
               QStringLiteral("is not an $argon2id$ hash (see acdesk passwd) or a "
                              "pbkdf2-sha256$ITERATIONS$SALT$HASH string"));
}

QList<Label> readLabels(Reader &r, const QJsonObject &root, const QString &key)
{
    QList<Label> out;
    QSet<QString> seen;
    const QJsonArray a = r.array(root, key, QStringLiteral("$"));
    for (qsizetype i = 0; i < a.size() && !r.failed(); ++i) {
        const QString p = at(QStringLiteral("$.") + key, i);
        const QJsonObject o = r.object(a[i], p);
        r.onlyKeys(o, p, {QStringLiteral("code"), QStringLiteral("label")});
        Label l;
        l.code = r.identifier(o, QStringLiteral("code"), p);
        l.label = r.string(o, QStringLiteral("label"), p, false, l.code);
        if (seen.contains(l.code))
            r.fail(p + QStringLiteral(".code"),
                   QStringLiteral("duplicate code \"%1\"").arg(l.code));
        seen.insert(l.code);
        out.append(l);
    }
    return out;
}

void readThresholds(Reader &r, const QJsonObject &q, const QString &path,
                    engine::QueueConfig *queue)
{
    const QJsonValue v = q.value(QStringLiteral("thresholds"));
    if (v.isUndefined() || v.isNull())
        return;
    const QString p = path + QStringLiteral(".thresholds");
    const QJsonObject t = r.object(v, p);
    r.onlyKeys(t, p,
               {QStringLiteral("waiting"), QStringLiteral("longestWaitSeconds"),
                QStringLiteral("serviceLevel")});
    auto pair = [&](const QString &key, double *amber, double *red, double max, bool integer) {
        const QJsonValue pv = t.value(key);
        if (pv.isUndefined())
            return;
        const QString pp = p + QLatin1Char('.') + key;
        const QJsonObject o = r.object(pv, pp);
        r.onlyKeys(o, pp, {QStringLiteral("amber"), QStringLiteral("red")});
        *amber = r.number(o, QStringLiteral("amber"), pp, *amber, 0, max, integer);
        *red = r.number(o, QStringLiteral("red"), pp, *red, 0, max, integer);
    };
    engine::Thresholds &th = queue->thresholds;
    double waitingAmber = th.waitingAmber, waitingRed = th.waitingRed;
    double waitAmber = th.longestWaitAmberS, waitRed = th.longestWaitRedS;
    pair(QStringLiteral("waiting"), &waitingAmber, &waitingRed, 1e6, true);
    pair(QStringLiteral("longestWaitSeconds"), &waitAmber, &waitRed, 1e6, true);
    th.waitingAmber = int(waitingAmber);
    th.waitingRed = int(waitingRed);
    th.longestWaitAmberS = int(waitAmber);
    th.longestWaitRedS = int(waitRed);
    pair(QStringLiteral("serviceLevel"), &th.slAmber, &th.slRed, 1, false);
}

// "08:00-18:00" -> minutes after midnight; the end may be "24:00".
std::optional<engine::OpenInterval> parseInterval(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    engine::OpenInterval i;
    i.fromMinute = m.captured(1).toInt() * 60 + m.captured(2).toInt();
    i.toMinute = m.captured(3).toInt() * 60 + m.captured(4).toInt();
    if (i.toMinute > 1440 || i.toMinute <= i.fromMinute)
        return std::nullopt;
    return i;
}

void readHours(Reader &r, const QJsonObject &o, const QString &path, engine::QueueConfig *q)
{
    static const QStringList days{
        QStringLiteral("mon"), QStringLiteral("tue"), QStringLiteral("wed"), QStringLiteral("thu"),
        QStringLiteral("fri"), QStringLiteral("sat"), QStringLiteral("sun")};
    const QJsonValue hv = o.value(QStringLiteral("hours"));
    if (!hv.isUndefined() && !hv.isNull()) {
        const QString p = path + QStringLiteral(".hours");
        const QJsonObject h = r.object(hv, p);
        r.onlyKeys(h, p, days);
        q->hours.limited = true;
        for (int d = 0; d < days.size() && !r.failed(); ++d) {
            const QJsonArray list = r.array(h, days[d], p);
            QList<engine::OpenInterval> &day = q->hours.week[std::size_t(d)];
            for (qsizetype i = 0; i < list.size() && !r.failed(); ++i) {
                const QString ip = at(p + QLatin1Char('.') + days[d], i);
                const std::optional<engine::OpenInterval> iv = parseInterval(list[i].toString());
                if (!iv) {
                    r.fail(ip, QStringLiteral("must be \"HH:MM-HH:MM\" with the end after the "
                                              "start (end at most 24:00)"));
                    break;
                }
                day.append(*iv);
            }
            std::sort(day.begin(), day.end(),
                      [](const auto &a, const auto &b) { return a.fromMinute < b.fromMinute; });
            for (qsizetype i = 1; i < day.size() && !r.failed(); ++i)
                if (day[i].fromMinute < day[i - 1].toMinute)
                    r.fail(p + QLatin1Char('.') + days[d], QStringLiteral("intervals overlap"));
        }
    }
    const QJsonArray holidays = r.array(o, QStringLiteral("holidays"), path);
    for (qsizetype i = 0; i < holidays.size() && !r.failed(); ++i) {
        const QString hp = at(path + QStringLiteral(".holidays"), i);
        const QString text = holidays[i].toString();
        const QDate date = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
        // A yearly date is checked against a leap year, so "02-29" is accepted.
        const QDate yearly =
            QDate::fromString(QStringLiteral("2024-") + text, QStringLiteral("yyyy-MM-dd"));
        if (text.size() == 10 && date.isValid())
            q->hours.dates.append(date);
        else if (text.size() == 5 && yearly.isValid())
            q->hours.yearly.append({yearly.month(), yearly.day()});
        else
            r.fail(hp, QStringLiteral("must be a date \"YYYY-MM-DD\" or a yearly \"MM-DD\""));
        q->hours.limited = true;
    }
}

// whenClosed / afterMaxWait: {"action", "queue" (overflow), "number" (forward)}.
std::optional<engine::ExitAction> readExit(Reader &r, const QJsonObject &o, const QString &key,
                                           const QString &path, bool overflowAllowed)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    const QString p = path + QLatin1Char('.') + key;
    const QJsonObject e = r.object(v, p);
    r.onlyKeys(e, p, {QStringLiteral("action"), QStringLiteral("queue"), QStringLiteral("number")});
    engine::ExitAction a;
    const QString action = r.string(e, QStringLiteral("action"), p, true);
    if (action == QLatin1String("hangup")) {
        a.kind = engine::ExitAction::Kind::Hangup;
    } else if (action == QLatin1String("forward")) {
        a.kind = engine::ExitAction::Kind::Forward;
        a.number = r.identifier(e, QStringLiteral("number"), p);
    } else if (action == QLatin1String("overflow") && overflowAllowed) {
        a.kind = engine::ExitAction::Kind::Overflow;
        a.queue = r.identifier(e, QStringLiteral("queue"), p);
    } else if (!r.failed()) {
        r.fail(p + QStringLiteral(".action"),
               QStringLiteral("unknown action \"%1\" (%2)")
                   .arg(action, overflowAllowed ? QStringLiteral("hangup, forward or overflow")
                                                : QStringLiteral("hangup or forward; use "
                                                                 "overflowTo to overflow")));
    }
    if (!r.failed() && a.kind != engine::ExitAction::Kind::Forward &&
        e.contains(QStringLiteral("number")))
        r.fail(p + QStringLiteral(".number"), QStringLiteral("only with action \"forward\""));
    if (!r.failed() && a.kind != engine::ExitAction::Kind::Overflow &&
        e.contains(QStringLiteral("queue")))
        r.fail(p + QStringLiteral(".queue"), QStringLiteral("only with action \"overflow\""));
    return a;
}

// "callback": {"enabled", "dtmf", "attempts", "retrySeconds"} (virtual hold).
void readCallback(Reader &r, const QJsonObject &o, const QString &path, engine::QueueConfig *q)
{
    const QJsonValue v = o.value(QStringLiteral("callback"));
    if (v.isUndefined() || v.isNull())
        return;
    const QString p = path + QStringLiteral(".callback");
    const QJsonObject c = r.object(v, p);
    r.onlyKeys(c, p,
               {QStringLiteral("enabled"), QStringLiteral("dtmf"), QStringLiteral("attempts"),
                QStringLiteral("retrySeconds")});
    const QJsonValue enabled = c.value(QStringLiteral("enabled"));
    if (!enabled.isUndefined() && !enabled.isBool())
        r.fail(p + QStringLiteral(".enabled"), QStringLiteral("must be true or false"));
    q->callback.enabled = enabled.toBool(true);
    q->callback.dtmf = r.string(c, QStringLiteral("dtmf"), p, false, q->callback.dtmf);
    static const QRegularExpression key(QStringLiteral("^[0-9*#]$"));
    if (!r.failed() && !key.match(q->callback.dtmf).hasMatch())
        r.fail(p + QStringLiteral(".dtmf"), QStringLiteral("must be one key of 0-9, * or #"));
    q->callback.attempts =
        int(r.number(c, QStringLiteral("attempts"), p, q->callback.attempts, 1, 10));
    q->callback.retrySeconds =
        int(r.number(c, QStringLiteral("retrySeconds"), p, q->callback.retrySeconds, 0, 86400));
}

// "screenPop": {"url": TEMPLATE, "open": "accept" | "offer" | "manual"} (engine/screenpop.h).
engine::ScreenPopConfig readScreenPop(Reader &r, const QJsonObject &o, const QString &path)
{
    engine::ScreenPopConfig pop;
    const QJsonValue v = o.value(QStringLiteral("screenPop"));
    if (v.isUndefined() || v.isNull())
        return pop;
    const QString p = path + QStringLiteral(".screenPop");
    const QJsonObject s = r.object(v, p);
    r.onlyKeys(s, p, {QStringLiteral("url"), QStringLiteral("open")});
    pop.url = r.string(s, QStringLiteral("url"), p, true);
    if (!r.failed())
        if (const QString why = engine::screenPopTemplateError(pop.url); !why.isEmpty())
            r.fail(p + QStringLiteral(".url"), why);
    const QString open =
        r.string(s, QStringLiteral("open"), p, false, engine::screenPopOpenName(pop.open));
    if (const auto when = engine::screenPopOpenFromName(open))
        pop.open = *when;
    else
        r.fail(p + QStringLiteral(".open"), QStringLiteral("must be accept, offer or manual"));
    return pop;
}

void readQueues(Reader &r, const QJsonObject &root, Config *c)
{
    const QJsonArray queues = r.array(root, QStringLiteral("queues"), QStringLiteral("$"));
    QSet<QString> ids;
    for (qsizetype i = 0; i < queues.size() && !r.failed(); ++i) {
        const QString p = at(QStringLiteral("$.queues"), i);
        const QJsonObject o = r.object(queues[i], p);
        r.onlyKeys(o, p,
                   {QStringLiteral("id"),
                    QStringLiteral("name"),
                    QStringLiteral("strategy"),
                    QStringLiteral("slSeconds"),
                    QStringLiteral("shortAbandonSeconds"),
                    QStringLiteral("wrapUpSeconds"),
                    QStringLiteral("offerTimeoutSeconds"),
                    QStringLiteral("maxWaitSeconds"),
                    QStringLiteral("overflowTo"),
                    QStringLiteral("requiredSkills"),
                    QStringLiteral("thresholds"),
                    QStringLiteral("escalation"),
                    QStringLiteral("joinEmpty"),
                    QStringLiteral("rejectSetsNotReady"),
                    QStringLiteral("hours"),
                    QStringLiteral("holidays"),
                    QStringLiteral("whenClosed"),
                    QStringLiteral("afterMaxWait"),
                    QStringLiteral("defaultHandleSeconds"),
                    QStringLiteral("callback"),
                    QStringLiteral("screenPop")});
        engine::QueueConfig q;
        q.id = r.identifier(o, QStringLiteral("id"), p);
        q.name = r.string(o, QStringLiteral("name"), p, false, q.id);
        const QString strategy =
            r.string(o, QStringLiteral("strategy"), p, false, QStringLiteral("longest_idle"));
        if (const auto s = engine::strategyFromName(strategy))
            q.strategy = *s;
        else
            r.fail(p + QStringLiteral(".strategy"),
                   QStringLiteral("unknown strategy \"%1\"").arg(strategy));
        const double day = 86400;
        q.slSeconds = int(r.number(o, QStringLiteral("slSeconds"), p, q.slSeconds, 0, day));
        q.shortAbandonSeconds = int(
            r.number(o, QStringLiteral("shortAbandonSeconds"), p, q.shortAbandonSeconds, 0, day));
        q.wrapUpSeconds =
            int(r.number(o, QStringLiteral("wrapUpSeconds"), p, q.wrapUpSeconds, 0, day));
        q.offerTimeoutSeconds = int(
            r.number(o, QStringLiteral("offerTimeoutSeconds"), p, q.offerTimeoutSeconds, 1, day));
        q.maxWaitSeconds =
            int(r.number(o, QStringLiteral("maxWaitSeconds"), p, q.maxWaitSeconds, 0, day));
        q.overflowTo = r.string(o, QStringLiteral("overflowTo"), p, false);
        q.requiredSkills = r.skills(o, QStringLiteral("requiredSkills"), p);
        const QJsonValue reject = o.value(QStringLiteral("rejectSetsNotReady"));
        if (!reject.isUndefined() && !reject.isBool())
            r.fail(p + QStringLiteral(".rejectSetsNotReady"),
                   QStringLiteral("must be true or false"));
        q.rejectSetsNotReady = reject.toBool(true);
        const QString joinEmpty =
            r.string(o, QStringLiteral("joinEmpty"), p, false, engine::joinEmptyName(q.joinEmpty));
        if (const auto j = engine::joinEmptyFromName(joinEmpty))
            q.joinEmpty = *j;
        else
            r.fail(p + QStringLiteral(".joinEmpty"),
                   QStringLiteral("unknown policy \"%1\"").arg(joinEmpty));
        const QJsonArray esc = r.array(o, QStringLiteral("escalation"), p);
        for (qsizetype e = 0; e < esc.size() && !r.failed(); ++e) {
            const QString ep = at(p + QStringLiteral(".escalation"), e);
            const QJsonObject eo = r.object(esc[e], ep);
            r.onlyKeys(eo, ep, {QStringLiteral("afterSeconds"), QStringLiteral("maxPenalty")});
            engine::EscalationRule rule;
            rule.afterSeconds = int(r.number(eo, QStringLiteral("afterSeconds"), ep, 0, 0, day));
            rule.maxPenalty = int(r.number(eo, QStringLiteral("maxPenalty"), ep, 0, 0, 1000));
            q.escalation.push_back(rule);
        }
        readThresholds(r, o, p, &q);
        q.screenPop = readScreenPop(r, o, p);
        readHours(r, o, p, &q);
        if (const auto e = readExit(r, o, QStringLiteral("whenClosed"), p, true))
            q.whenClosed = *e;
        q.afterMaxWait = readExit(r, o, QStringLiteral("afterMaxWait"), p, false);
        q.defaultHandleSeconds = int(
            r.number(o, QStringLiteral("defaultHandleSeconds"), p, q.defaultHandleSeconds, 1, day));
        readCallback(r, o, p, &q);
        if (!r.failed() && ids.contains(q.id))
            r.fail(p + QStringLiteral(".id"), QStringLiteral("duplicate queue \"%1\"").arg(q.id));
        ids.insert(q.id);
        c->engine.queues.append(q);
    }
    // Overflow targets must exist and must not loop, or a caller would circle forever.
    for (qsizetype i = 0; i < c->engine.queues.size() && !r.failed(); ++i) {
        const engine::QueueConfig &q = c->engine.queues[i];
        if (q.whenClosed.kind == engine::ExitAction::Kind::Overflow &&
            (!ids.contains(q.whenClosed.queue) || q.whenClosed.queue == q.id))
            r.fail(at(QStringLiteral("$.queues"), i) + QStringLiteral(".whenClosed.queue"),
                   QStringLiteral("must be another configured queue, not \"%1\"")
                       .arg(q.whenClosed.queue));
        if (q.overflowTo.isEmpty())
            continue;
        const QString p = at(QStringLiteral("$.queues"), i) + QStringLiteral(".overflowTo");
        if (!ids.contains(q.overflowTo)) {
            r.fail(p, QStringLiteral("unknown queue \"%1\"").arg(q.overflowTo));
            break;
        }
        QStringList chain{q.id};
        QString next = q.overflowTo;
        while (!next.isEmpty()) {
            if (chain.contains(next)) {
                r.fail(p, QStringLiteral("overflow loop %1").arg((chain << next).join(u" -> ")));
                break;
            }
            chain << next;
            QString after;
            for (const engine::QueueConfig &other : c->engine.queues)
                if (other.id == next)
                    after = other.overflowTo;
            next = after;
        }
    }
}

void readAgents(Reader &r, const QJsonObject &root, Config *c)
{
    QSet<QString> queueIds;
    for (const engine::QueueConfig &q : c->engine.queues)
        queueIds.insert(q.id);
    QSet<QString> ids;
    const QJsonArray agents = r.array(root, QStringLiteral("agents"), QStringLiteral("$"));
    for (qsizetype i = 0; i < agents.size() && !r.failed(); ++i) {
        const QString p = at(QStringLiteral("$.agents"), i);
        const QJsonObject o = r.object(agents[i], p);
        r.onlyKeys(o, p,
                   {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("password"),
                    QStringLiteral("passwordHash"), QStringLiteral("queues"),
                    QStringLiteral("skills"), QStringLiteral("penalty")});
        Account account;
        readAccount(r, o, p, QStringLiteral("password"), &account);
        engine::AgentConfig a;
        a.id = account.id;
        a.name = account.name;
        a.skills = r.skills(o, QStringLiteral("skills"), p);
        a.penalty = int(r.number(o, QStringLiteral("penalty"), p, 0, 0, 1000));
        const QJsonArray qs = r.array(o, QStringLiteral("queues"), p);
        for (qsizetype k = 0; k < qs.size() && !r.failed(); ++k) {
            const QString qp = at(p + QStringLiteral(".queues"), k);
            engine::QueueMembership m;
            if (qs[k].isString()) {
                m.queue = qs[k].toString();
            } else if (qs[k].isObject()) {
                // {"queue": "sales", "penalty": 2}: a per-queue tier, like mod_callcenter's.
                const QJsonObject mo = qs[k].toObject();
                r.onlyKeys(mo, qp, {QStringLiteral("queue"), QStringLiteral("penalty")});
                m.queue = r.string(mo, QStringLiteral("queue"), qp, true);
                m.penalty = int(r.number(mo, QStringLiteral("penalty"), qp, -1, 0, 1000));
            } else {
                r.fail(qp, QStringLiteral("must be a queue id or {\"queue\", \"penalty\"}"));
                break;
            }
            if (!r.failed() && !queueIds.contains(m.queue))
                r.fail(qp, QStringLiteral("unknown queue \"%1\"").arg(m.queue));
            a.queues.append(m);
        }
        if (!r.failed() && ids.contains(a.id))
            r.fail(p + QStringLiteral(".id"), QStringLiteral("duplicate agent \"%1\"").arg(a.id));
        ids.insert(a.id);
        c->agents.append(account);
        c->engine.agents.append(a);
    }
}

QList<Account> readAccounts(Reader &r, const QJsonObject &root, const QString &key,
                            const QString &secretKey, bool mayAdmin = false)
{
    QList<Account> out;
    QSet<QString> ids;
    const QJsonArray list = r.array(root, key, QStringLiteral("$"));
    for (qsizetype i = 0; i < list.size() && !r.failed(); ++i) {
        const QString p = at(QStringLiteral("$.") + key, i);
        const QJsonObject o = r.object(list[i], p);
        QStringList keys{QStringLiteral("id"), QStringLiteral("name"), secretKey,
                         QStringLiteral("passwordHash")};
        if (mayAdmin)
            keys.append(QStringLiteral("admin"));
        r.onlyKeys(o, p, keys);
        Account a;
        readAccount(r, o, p, secretKey, &a);
        const QJsonValue admin = o.value(QStringLiteral("admin"));
        if (!r.failed() && !admin.isUndefined() && !admin.isBool())
            r.fail(p + QStringLiteral(".admin"), QStringLiteral("must be true or false"));
        a.admin = admin.toBool(false);
        if (!r.failed() && ids.contains(a.id))
            r.fail(p + QStringLiteral(".id"), QStringLiteral("duplicate id \"%1\"").arg(a.id));
        ids.insert(a.id);
        out.append(a);
    }
    return out;
}

void readServer(Reader &r, const QJsonObject &root, Config *c)
{
    const QJsonValue v = root.value(QStringLiteral("server"));
    if (v.isUndefined() || v.isNull())
        return;
    const QString p = QStringLiteral("$.server");
    const QJsonObject s = r.object(v, p);
    r.onlyKeys(s, p,
               {QStringLiteral("listen"), QStringLiteral("tls"), QStringLiteral("limits"),
                QStringLiteral("allowedOrigins"), QStringLiteral("retentionDays"),
                QStringLiteral("transport")});
    c->listen = r.string(s, QStringLiteral("listen"), p, false, c->listen);
    QString host;
    quint16 port = 0;
    if (!r.failed() && !parseListen(c->listen, &host, &port))
        r.fail(p + QStringLiteral(".listen"),
               QStringLiteral("\"%1\" is not HOST:PORT").arg(c->listen));
    c->transport = r.string(s, QStringLiteral("transport"), p, false);
    if (!r.failed() && !c->transport.isEmpty() && !Transport::names().contains(c->transport))
        r.fail(p + QStringLiteral(".transport"),
               QStringLiteral("\"%1\" is not one of %2")
                   .arg(c->transport, Transport::names().join(QStringLiteral(", "))));
    const QJsonValue tlsValue = s.value(QStringLiteral("tls"));
    if (!tlsValue.isUndefined() && !tlsValue.isNull()) {
        const QString tp = p + QStringLiteral(".tls");
        const QJsonObject tls = r.object(tlsValue, tp);
        r.onlyKeys(tls, tp, {QStringLiteral("cert"), QStringLiteral("key")});
        c->tlsCert = r.string(tls, QStringLiteral("cert"), tp, true);
        c->tlsKey = r.string(tls, QStringLiteral("key"), tp, true);
    }
    const QJsonArray origins = r.array(s, QStringLiteral("allowedOrigins"), p);
    for (qsizetype i = 0; i < origins.size(); ++i) {
        if (!origins[i].isString())
            r.fail(at(p + QStringLiteral(".allowedOrigins"), i),
                   QStringLiteral("must be a string"));
        c->allowedOrigins.append(origins[i].toString());
    }
    c->retentionDays =
        int(r.number(s, QStringLiteral("retentionDays"), p, c->retentionDays, 1, 36500));
    const QJsonValue lv = s.value(QStringLiteral("limits"));
    if (lv.isUndefined() || lv.isNull())
        return;
    const QString lp = p + QStringLiteral(".limits");
    const QJsonObject l = r.object(lv, lp);
    r.onlyKeys(l, lp,
               {QStringLiteral("maxMessageBytes"), QStringLiteral("loginTimeoutSeconds"),
                QStringLiteral("graceSeconds"), QStringLiteral("pingSeconds"),
                QStringLiteral("requestsPerSecond"), QStringLiteral("requestBurst"),
                QStringLiteral("tokenIdleHours"), QStringLiteral("wallboardTokenIdleDays"),
                QStringLiteral("maxConnections"), QStringLiteral("rateLimitCloseSeconds")});
    Limits &lim = c->limits;
    lim.maxMessageBytes = qint64(r.number(l, QStringLiteral("maxMessageBytes"), lp,
                                          double(lim.maxMessageBytes), 1024, 16 * 1024 * 1024));
    lim.loginTimeoutSeconds = int(
        r.number(l, QStringLiteral("loginTimeoutSeconds"), lp, lim.loginTimeoutSeconds, 1, 3600));
    lim.graceSeconds =
        int(r.number(l, QStringLiteral("graceSeconds"), lp, lim.graceSeconds, 0, 86400));
    lim.pingSeconds = int(r.number(l, QStringLiteral("pingSeconds"), lp, lim.pingSeconds, 1, 3600));
    lim.requestsPerSecond = r.number(l, QStringLiteral("requestsPerSecond"), lp,
                                     lim.requestsPerSecond, 1, 100000, false);
    lim.requestBurst =
        int(r.number(l, QStringLiteral("requestBurst"), lp, lim.requestBurst, 1, 1000000));
    lim.rateLimitCloseSeconds = int(r.number(l, QStringLiteral("rateLimitCloseSeconds"), lp,
                                             lim.rateLimitCloseSeconds, 1, 3600));
    lim.tokenIdleHours =
        int(r.number(l, QStringLiteral("tokenIdleHours"), lp, lim.tokenIdleHours, 1, 24 * 365));
    lim.wallboardTokenIdleDays = int(r.number(l, QStringLiteral("wallboardTokenIdleDays"), lp,
                                              lim.wallboardTokenIdleDays, 1, 3650));
    lim.maxConnections =
        int(r.number(l, QStringLiteral("maxConnections"), lp, lim.maxConnections, 1, 1000000));
}

void readSip(Reader &r, const QJsonObject &root, Config *c)
{
    const QJsonValue v = root.value(QStringLiteral("sip"));
    if (v.isUndefined() || v.isNull())
        return;
    const QString p = QStringLiteral("$.sip");
    const QJsonObject o = r.object(v, p);
    r.onlyKeys(o, p,
               {QStringLiteral("listen"), QStringLiteral("address"), QStringLiteral("trusted"),
                QStringLiteral("trunk"), QStringLiteral("rtpPorts"),
                QStringLiteral("rtpTimeoutSeconds"), QStringLiteral("maxInvitesPerSecond"),
                QStringLiteral("queues"), QStringLiteral("realm"), QStringLiteral("phones"),
                QStringLiteral("language"), QStringLiteral("announcePositionSeconds")});
    SipConfig sip;
    sip.listen = r.string(o, QStringLiteral("listen"), p, false, sip.listen);
    QString host;
    quint16 port = 0;
    if (!r.failed() && !parseListen(sip.listen, &host, &port))
        r.fail(p + QStringLiteral(".listen"),
               QStringLiteral("\"%1\" is not HOST:PORT").arg(sip.listen));
    if (!r.failed() && QHostAddress(host).isNull())
        r.fail(p + QStringLiteral(".listen"),
               QStringLiteral("\"%1\" is not an IP address").arg(host));
    sip.address = r.string(o, QStringLiteral("address"), p, false);
    if (!r.failed() && !sip.address.isEmpty() &&
        (QHostAddress(sip.address).isNull() || isWildcard(QHostAddress(sip.address))))
        r.fail(p + QStringLiteral(".address"),
               QStringLiteral("\"%1\" is not a unicast IP address").arg(sip.address));
    const QJsonArray trusted = r.array(o, QStringLiteral("trusted"), p);
    for (qsizetype i = 0; i < trusted.size() && !r.failed(); ++i) {
        const QString tp = at(p + QStringLiteral(".trusted"), i);
        const QString cidr = trusted[i].toString();
        if (!trusted[i].isString())
            r.fail(tp, QStringLiteral("must be a string"));
        else if (QHostAddress::parseSubnet(cidr).first.isNull())
            r.fail(tp,
                   QStringLiteral("\"%1\" is not an address range like 192.168.1.10/32").arg(cidr));
        sip.trusted.append(cidr);
    }
    sip.trunk = r.string(o, QStringLiteral("trunk"), p, false);
    static const QRegularExpression trunkRe(
        QStringLiteral("^sip:(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$"));
    if (!r.failed() && !sip.trunk.isEmpty() && !trunkRe.match(sip.trunk).hasMatch())
        r.fail(p + QStringLiteral(".trunk"),
               QStringLiteral("\"%1\" is not sip:HOST or sip:HOST:PORT").arg(sip.trunk));
    const QString ports = r.string(o, QStringLiteral("rtpPorts"), p, false,
                                   QStringLiteral("%1-%2").arg(sip.rtpPortMin).arg(sip.rtpPortMax));
    static const QRegularExpression portsRe(QStringLiteral("^([0-9]{1,5})-([0-9]{1,5})$"));
    const QRegularExpressionMatch m = portsRe.match(ports);
    const uint lo = m.captured(1).toUInt();
    const uint hi = m.captured(2).toUInt();
    if (!r.failed() && (!m.hasMatch() || lo < 1024 || hi > 65535 || hi < lo + 3))
        r.fail(p + QStringLiteral(".rtpPorts"),
               QStringLiteral("\"%1\" is not a range LOW-HIGH of at least 4 ports in "
                              "1024-65535")
                   .arg(ports));
    sip.rtpPortMin = quint16(lo);
    sip.rtpPortMax = quint16(hi);
    sip.rtpTimeoutSeconds =
        int(r.number(o, QStringLiteral("rtpTimeoutSeconds"), p, sip.rtpTimeoutSeconds, 5, 3600));
    sip.maxInvitesPerSecond = int(
        r.number(o, QStringLiteral("maxInvitesPerSecond"), p, sip.maxInvitesPerSecond, 1, 10000));
    const QJsonValue qv = o.value(QStringLiteral("queues"));
    if (!qv.isUndefined() && !qv.isNull()) {
        const QString qp = p + QStringLiteral(".queues");
        const QJsonObject qs = r.object(qv, qp);
        const QDir base =
            c->sourceFile.isEmpty() ? QDir::current() : QFileInfo(c->sourceFile).absoluteDir();
        for (auto it = qs.begin(); it != qs.end() && !r.failed(); ++it) {
            const QString ep = qp + QLatin1Char('.') + it.key();
            const bool known =
                std::any_of(c->engine.queues.cbegin(), c->engine.queues.cend(),
                            [&](const engine::QueueConfig &q) { return q.id == it.key(); });
            if (!known) {
                r.fail(ep, QStringLiteral("unknown queue \"%1\"").arg(it.key()));
                break;
            }
            const QJsonObject e = r.object(it.value(), ep);
            r.onlyKeys(e, ep, {QStringLiteral("announcement"), QStringLiteral("music")});
            SipMedia media;
            for (const QString &key : {QStringLiteral("announcement"), QStringLiteral("music")}) {
                const QString file = r.string(e, key, ep, false);
                if (r.failed() || file.isEmpty())
                    continue;
                const QString path = base.absoluteFilePath(file);
                const QString why = readPromptWav(path);
                if (!why.isEmpty())
                    r.fail(ep + QLatin1Char('.') + key, QStringLiteral("%1: %2").arg(file, why));
                (key == QLatin1String("music") ? media.music : media.announcement) = path;
            }
            sip.queues.insert(it.key(), media);
        }
    }
    sip.language = r.string(o, QStringLiteral("language"), p, false, sip.language);
    if (!r.failed() && sip.language != QLatin1String("en") && sip.language != QLatin1String("de"))
        r.fail(p + QStringLiteral(".language"),
               QStringLiteral("\"%1\" has no prompts: \"en\" or \"de\"").arg(sip.language));
    sip.announcePositionSeconds = int(r.number(o, QStringLiteral("announcePositionSeconds"), p,
                                               sip.announcePositionSeconds, 0, 3600));
    if (sip.announcePositionSeconds > 0 && sip.announcePositionSeconds < 10)
        r.fail(p + QStringLiteral(".announcePositionSeconds"),
               QStringLiteral("must be 0 (never) or at least 10"));
    sip.realm = r.string(o, QStringLiteral("realm"), p, false, sip.realm);
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9_.+-]{1,64}$"));
    if (!r.failed() && !token.match(sip.realm).hasMatch())
        r.fail(p + QStringLiteral(".realm"),
               QStringLiteral("must be 1-64 letters, digits, _ . + -"));
    const QJsonArray phones = r.array(o, QStringLiteral("phones"), p);
    for (qsizetype i = 0; i < phones.size() && !r.failed(); ++i) {
        // Softphones registering with Acdesk: digest credentials, kept as HA1 only.
        const QString pp = at(p + QStringLiteral(".phones"), i);
        const QJsonObject ph = r.object(phones[i], pp);
        r.onlyKeys(ph, pp,
                   {QStringLiteral("user"), QStringLiteral("password"), QStringLiteral("ha1")});
        const QString user = r.string(ph, QStringLiteral("user"), pp, true);
        if (!r.failed() && !token.match(user).hasMatch())
            r.fail(pp + QStringLiteral(".user"),
                   QStringLiteral("must be 1-64 letters, digits, _ . + -"));
        const QString password = r.string(ph, QStringLiteral("password"), pp, false);
        const QString ha1 = r.string(ph, QStringLiteral("ha1"), pp, false).toLower();
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
        if (!r.failed() && password.isEmpty() == ha1.isEmpty())
            r.fail(pp, QStringLiteral("needs exactly one of \"password\" and \"ha1\""));
        else if (!r.failed() && !ha1.isEmpty() && !hex.match(ha1).hasMatch())
            r.fail(pp + QStringLiteral(".ha1"),
                   QStringLiteral("must be MD5(user:realm:password) in 32 hex digits"));
        if (!r.failed() && sip.phones.contains(user))
            r.fail(pp + QStringLiteral(".user"), QStringLiteral("duplicate user \"%1\"").arg(user));
        sip.phones.insert(
            user,
            ha1.isEmpty()
                ? QCryptographicHash::hash(
                      (user + QLatin1Char(':') + sip.realm + QLatin1Char(':') + password).toUtf8(),
                      QCryptographicHash::Md5)
                      .toHex()
                : ha1.toLatin1());
    }
    c->sip = sip;
}

} // namespace

ConfigResult parseConfig(const QByteArray &json, const QString &fileName)
{
    ConfigResult result;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Point at the line, which is what an editor shows.
        const int line = int(json.left(parseError.offset).count('\n')) + 1;
        result.error = QStringLiteral("%1: $: invalid JSON at line %2: %3")
                           .arg(fileName)
                           .arg(line)
                           .arg(parseError.errorString());
        return result;
    }
    Reader r;
    if (!doc.isObject()) {
        result.error = fileName + QStringLiteral(": $: must be an object");
        return result;
    }
    const QJsonObject root = doc.object();
    r.onlyKeys(root, QStringLiteral("$"),
               {QStringLiteral("timeZone"), QStringLiteral("queues"), QStringLiteral("agents"),
                QStringLiteral("supervisors"), QStringLiteral("wallboards"),
                QStringLiteral("gateways"), QStringLiteral("hotlines"), QStringLiteral("reasons"),
                QStringLiteral("dispositions"), QStringLiteral("server"), QStringLiteral("sip")});
    Config c;
    c.sourceFile = fileName;
    c.engine.timeZone =
        r.string(root, QStringLiteral("timeZone"), QStringLiteral("$"), false, c.engine.timeZone);
    if (!r.failed() && !QTimeZone(c.engine.timeZone.toUtf8()).isValid())
        r.fail(QStringLiteral("$.timeZone"),
               QStringLiteral("unknown time zone \"%1\"").arg(c.engine.timeZone));
    readQueues(r, root, &c);
    readAgents(r, root, &c);
    c.supervisors =
        readAccounts(r, root, QStringLiteral("supervisors"), QStringLiteral("password"), true);
    c.wallboards = readAccounts(r, root, QStringLiteral("wallboards"), QStringLiteral("secret"));
    c.gateways = readAccounts(r, root, QStringLiteral("gateways"), QStringLiteral("secret"));
    c.reasons = readLabels(r, root, QStringLiteral("reasons"));
    c.dispositions = readLabels(r, root, QStringLiteral("dispositions"));
    for (const Label &l : qAsConst(c.reasons))
        c.engine.reasons.append(l.code);

    QSet<QString> queueIds;
    for (const engine::QueueConfig &q : qAsConst(c.engine.queues))
        queueIds.insert(q.id);
    QSet<QString> numbers;
    const QJsonArray hotlines = r.array(root, QStringLiteral("hotlines"), QStringLiteral("$"));
    for (qsizetype i = 0; i < hotlines.size() && !r.failed(); ++i) {
        const QString p = at(QStringLiteral("$.hotlines"), i);
        const QJsonObject o = r.object(hotlines[i], p);
        r.onlyKeys(o, p,
                   {QStringLiteral("number"), QStringLiteral("name"), QStringLiteral("queue"),
                    QStringLiteral("priority"), QStringLiteral("screenPop")});
        engine::HotlineConfig h;
        h.number = r.string(o, QStringLiteral("number"), p, true);
        h.name = r.string(o, QStringLiteral("name"), p, false, h.number);
        h.queue = r.string(o, QStringLiteral("queue"), p, true);
        if (o.contains(QStringLiteral("priority")))
            h.priority = int(r.number(o, QStringLiteral("priority"), p, 0, -1000, 1000));
        h.screenPop = readScreenPop(r, o, p);
        if (!r.failed() && !queueIds.contains(h.queue))
            r.fail(p + QStringLiteral(".queue"),
                   QStringLiteral("unknown queue \"%1\"").arg(h.queue));
        if (!r.failed() && numbers.contains(h.number))
            r.fail(p + QStringLiteral(".number"),
                   QStringLiteral("duplicate number \"%1\"").arg(h.number));
        numbers.insert(h.number);
        c.engine.hotlines.append(h);
    }
    readServer(r, root, &c);
    readSip(r, root, &c);
    c.engine.graceSeconds = c.limits.graceSeconds;
    if (r.failed()) {
        result.error = fileName + QStringLiteral(": ") + r.error;
        return result;
    }
    result.config = std::move(c);
    return result;
}

ConfigResult loadConfigFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        ConfigResult result;
        result.error = QStringLiteral("%1: $: cannot read: %2").arg(path, f.errorString());
        return result;
    }
    return parseConfig(f.readAll(), path);
}

} // namespace acdesk::server
