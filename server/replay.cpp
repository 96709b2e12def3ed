#include "replay.h"

#include "engine/clock.h"
#include "engine/engine.h"

#include <QSet>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>

namespace acdesk::server {

namespace {

using engine::AgentState;
using engine::CallRecord;

// One recorded inbound call, as the replay plays it again.
struct ReplayCall
{
    engine::Arrival arrival;
    qint64 atMs = 0;
    // Taken from the records: how long the agent's phone rang before the answer, the
    // talk and hold and the wrap-up of the first answer, and (for a caller who hung up
    // unanswered) how long the caller waited. -1 = not recorded: the queue's mean.
    qint64 ringMs = 0;
    qint64 handleMs = -1;
    qint64 wrapMs = -1;
    qint64 patienceMs = -1; // -1: waits as long as it takes
};

// A change of one agent's presence at a time.
struct Presence
{
    qint64 atMs = 0;
    QString agent;
    bool loggedIn = false;
    bool ready = false;
};

bool loggedInState(const QString &s)
{
    return s != QLatin1String("logged_out");
}

// Ringing, on a call and wrap-up are the call work the replay makes itself: the agent was
// there and would have been ready.
bool readyState(const QString &s)
{
    return s == QLatin1String("ready") || s == QLatin1String("ringing") ||
           s == QLatin1String("on_call") || s == QLatin1String("wrap_up");
}

std::vector<ReplayCall> callsOf(const std::vector<CallRecord> &legs, qint64 fromMs, qint64 toMs)
{
    std::map<QString, std::vector<const CallRecord *>> byCall;
    for (const CallRecord &r : legs)
        if (r.direction == engine::Direction::Inbound)
            byCall[r.callId + QLatin1Char('@') + QString::number(r.arrivedAtMs)].push_back(&r);
    std::vector<ReplayCall> out;
    for (auto &[key, list] : byCall) {
        std::sort(list.begin(), list.end(),
                  [](const CallRecord *a, const CallRecord *b) { return a->leg < b->leg; });
        const CallRecord &first = *list.front();
        if (first.kind != engine::LegKind::Queue || first.arrivedAtMs < fromMs ||
            first.arrivedAtMs >= toMs)
            continue;
        ReplayCall c;
        c.atMs = first.arrivedAtMs;
        c.arrival.id = QStringLiteral("r%1-").arg(out.size()) + first.callId;
        c.arrival.queue = first.queue;
        c.arrival.callerNumber = first.callerNumber;
        c.arrival.callerName = first.callerName;
        c.arrival.priority = first.priority;
        for (const CallRecord *r : list) {
            if (r->answeredAtMs > 0 && r->kind != engine::LegKind::Outbound) {
                c.ringMs = r->offeredAtMs > 0 ? r->answeredAtMs - r->offeredAtMs : 0;
                c.handleMs = r->talkMs + r->holdMs;
                c.wrapMs = r->complete ? r->wrapUpMs : -1;
                break;
            }
        }
        const CallRecord &last = *list.back();
        if (c.handleMs < 0 && last.cause == engine::EndCause::CallerHangup)
            c.patienceMs = last.endedAtMs - first.arrivedAtMs;
        out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const ReplayCall &a, const ReplayCall &b) {
        return std::tie(a.atMs, a.arrival.id) < std::tie(b.atMs, b.arrival.id);
    });
    return out;
}

// Who was logged in and ready when, from the state log; agents of the config without a
// history work while anyone of the recorded team was logged in (or all the period).
std::vector<Presence> presenceOf(const std::vector<StateLogEntry> &states,
                                 const engine::EngineConfig &config, qint64 fromMs, qint64 toMs)
{
    std::vector<Presence> out;
    QSet<QString> recorded;
    std::vector<StateLogEntry> sorted = states;
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const StateLogEntry &a, const StateLogEntry &b) { return a.sinceMs < b.sinceMs; });
    for (const StateLogEntry &s : sorted) {
        recorded.insert(s.agent);
        out.push_back({std::clamp(s.sinceMs, fromMs, toMs), s.agent, loggedInState(s.state),
                       readyState(s.state)});
    }
    // The team's logged-in span: from the first login to the last logout seen.
    std::vector<std::pair<qint64, int>> edges; // time, +1 login / -1 logout
    QHash<QString, bool> in;
    for (const Presence &p : out) {
        if (p.loggedIn != in.value(p.agent)) {
            edges.emplace_back(p.atMs, p.loggedIn ? 1 : -1);
            in[p.agent] = p.loggedIn;
        }
    }
    std::vector<std::pair<qint64, qint64>> open; // intervals with someone logged in
    int count = 0;
    qint64 start = 0;
    for (const auto &[t, d] : edges) {
        if (count == 0 && d > 0)
            start = t;
        count += d;
        if (count == 0 && d < 0)
            open.emplace_back(start, t);
    }
    if (count > 0)
        open.emplace_back(start, toMs);
    if (recorded.isEmpty())
        open = {{fromMs, toMs}};
    for (const engine::AgentConfig &a : config.agents) {
        if (recorded.contains(a.id))
            continue;
        for (const auto &[s, e] : open) {
            out.push_back({s, a.id, true, true});
            out.push_back({e, a.id, false, false});
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Presence &a, const Presence &b) { return a.atMs < b.atMs; });
    return out;
}

qint64 loggedInTime(const std::vector<Presence> &presence, qint64 toMs)
{
    QHash<QString, qint64> since;
    qint64 total = 0;
    for (const Presence &p : presence) {
        const bool was = since.contains(p.agent);
        if (p.loggedIn && !was)
            since.insert(p.agent, p.atMs);
        else if (!p.loggedIn && was)
            total += p.atMs - since.take(p.agent);
    }
    for (auto it = since.cbegin(); it != since.cend(); ++it)
        total += toMs - it.value();
    return total;
}

void addFigures(ReplayFigures *f, const CallRecord &r, const engine::EngineConfig &config)
{
    if (!r.agent.isEmpty())
        f->busyMs += r.talkMs + r.holdMs + r.wrapUpMs;
    for (const engine::QueueConfig &q : config.queues) {
        if (q.id == r.queue) {
            f->queues[q.id].add(engine::legContribution(r, q.slSeconds, q.shortAbandonSeconds));
            return;
        }
    }
}

} // namespace

ReplayResult replay(const std::vector<CallRecord> &legs, const std::vector<StateLogEntry> &states,
                    const engine::EngineConfig &configIn, qint64 fromMs, qint64 toMs)
{
    ReplayResult result;
    for (const CallRecord &r : legs)
        addFigures(&result.recorded, r, configIn);
    std::vector<Presence> recordedPresence;
    for (const Presence &p : presenceOf(states, engine::EngineConfig{}, fromMs, toMs))
        recordedPresence.push_back(p);
    result.recorded.loggedInMs = loggedInTime(recordedPresence, toMs);

    engine::EngineConfig config = configIn;
    config.watchdogSeconds = 0;
    config.randomSeed = 1;  // the random strategy too gives the same result every time
    config.reasons.clear(); // the replay's own not-ready reason is accepted
    config.callIdPrefix = QStringLiteral("replay-");
    const std::vector<ReplayCall> calls = callsOf(legs, fromMs, toMs);
    const std::vector<Presence> presence = presenceOf(states, config, fromMs, toMs);
    result.replayed.loggedInMs = loggedInTime(presence, toMs);

    // A call answered in the replay that nobody answered in the records talks as long as
    // that queue's recorded calls did on average.
    QHash<QString, std::pair<qint64, qint64>> handleSums; // queue -> sum, count
    for (const ReplayCall &c : calls) {
        if (c.handleMs >= 0) {
            auto &s = handleSums[c.arrival.queue];
            s.first += c.handleMs;
            ++s.second;
        }
    }

    engine::ManualClock clock(fromMs);
    engine::Engine eng(config, &clock);
    std::multimap<qint64, std::function<void()>> actions;
    const auto later = [&actions](qint64 at, std::function<void()> f) {
        actions.emplace(at, std::move(f));
    };
    QHash<QString, const ReplayCall *> byId;
    std::map<std::pair<QString, int>, CallRecord> records;
    QSet<QString> talking;

    std::function<void(const QString &)> logout = [&](const QString &agent) {
        if (!eng.logout(agent).ok()) { // busy with a call: not ready now, out after it
            eng.setState(agent, AgentState::NotReady, QStringLiteral("replay"));
            later(clock.nowMs() + 5000, [&logout, agent] { logout(agent); });
        }
    };
    for (const Presence &p : presence) {
        later(p.atMs, [&eng, &logout, p] {
            if (!p.loggedIn) {
                logout(p.agent);
                return;
            }
            eng.login(p.agent);
            eng.setState(p.agent, p.ready ? AgentState::Ready : AgentState::NotReady,
                         p.ready ? QString() : QStringLiteral("replay"));
        });
    }
    for (const ReplayCall &c : calls) {
        byId.insert(c.arrival.id, &c);
        later(c.atMs, [&eng, &c] { eng.arrive(c.arrival); });
        if (c.patienceMs >= 0) {
            later(c.atMs + c.patienceMs, [&eng, &c] {
                const std::optional<engine::Call> now = eng.call(c.arrival.id);
                if (now && (now->state == engine::CallState::Queued ||
                            now->state == engine::CallState::Offered))
                    eng.callerHangup(c.arrival.id);
            });
        }
    }

    const auto handleEvents = [&] {
        for (const engine::Event &e : eng.takeEvents()) {
            const qint64 now = clock.nowMs();
            if (const auto *r = std::get_if<engine::RecordChanged>(&e)) {
                records[{r->record.callId, r->record.leg}] = r->record;
            } else if (const auto *o = std::get_if<engine::CallOffered>(&e)) {
                const ReplayCall *c = byId.value(o->call.id);
                const qint64 ring = c ? std::clamp<qint64>(c->ringMs, 0, o->timeoutMs - 1) : 0;
                const QString agent = o->agent, id = o->call.id;
                later(now + ring, [&eng, agent, id] { eng.accept(agent, id); });
            } else if (const auto *u = std::get_if<engine::CallUpdated>(&e)) {
                const engine::Call &call = u->call;
                const ReplayCall *c = byId.value(call.id);
                if (!c || call.state != engine::CallState::Connected || talking.contains(call.id))
                    continue;
                talking.insert(call.id);
                const auto avg = handleSums.value(call.queue);
                qint64 handle = c->handleMs;
                if (handle < 0 && avg.second > 0)
                    handle = avg.first / avg.second;
                for (const engine::QueueConfig &q : config.queues)
                    if (handle < 0 && q.id == call.queue)
                        handle = qint64(q.defaultHandleSeconds) * 1000;
                handle = std::max<qint64>(handle, 0);
                const QString agent = call.agent, id = call.id;
                const qint64 wrap = c->wrapMs;
                later(now + handle, [&eng, &later, &clock, agent, id, wrap] {
                    if (!eng.hangup(agent, id).ok())
                        return;
                    if (wrap >= 0) // the agent ended its wrap-up when it did that day
                        later(clock.nowMs() + wrap, [&eng, agent] { eng.endWrapUp(agent); });
                });
            }
        }
    };

    const qint64 never = std::numeric_limits<qint64>::max();
    const qint64 hardStop = toMs + 24LL * 3600 * 1000; // wrap-ups and waits run out by then
    for (;;) {
        qint64 next = actions.empty() ? never : actions.begin()->first;
        if (actions.empty() && eng.calls().empty())
            break; // everything replayed; the engine's own day timers never run out
        const qint64 deadline = eng.nextDeadlineMs();
        if (deadline >= 0 && deadline < next)
            next = deadline;
        if (next == never || next > hardStop)
            break;
        clock.setNow(std::max(next, clock.nowMs()));
        eng.advance();
        handleEvents();
        while (!actions.empty() && actions.begin()->first <= clock.nowMs()) {
            const auto it = actions.begin();
            const std::function<void()> action = std::move(it->second);
            actions.erase(it);
            action();
            handleEvents();
        }
    }
    // Wrap-ups still open at the end complete by their timers.
    for (int i = 0; i < 1000 && eng.nextDeadlineMs() >= 0 && eng.nextDeadlineMs() <= hardStop;
         ++i) {
        bool wrapping = false;
        for (const engine::AgentInfo &a : eng.agents())
            wrapping = wrapping || a.state == AgentState::WrapUp;
        if (!wrapping)
            break;
        clock.setNow(std::max(eng.nextDeadlineMs(), clock.nowMs()));
        eng.advance();
        handleEvents();
    }
    for (const auto &entry : records)
        addFigures(&result.replayed, entry.second, config);
    result.calls = int(calls.size());
    return result;
}

QString replayTable(const ReplayResult &result, const engine::EngineConfig &config)
{
    const auto pct = [](const std::optional<double> &v) {
        return v ? QString::number(*v * 100, 'f', 1) + QLatin1Char('%') : QStringLiteral("-");
    };
    const auto secs = [](const std::optional<double> &v) {
        return v ? QString::number(*v / 1000, 'f', 1) + QLatin1Char('s') : QStringLiteral("-");
    };
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                      .arg(QStringLiteral("queue"), -14)
                      .arg(QStringLiteral(""), -9)
                      .arg(QStringLiteral("offered"), 8)
                      .arg(QStringLiteral("answered"), 9)
                      .arg(QStringLiteral("abandoned"), 10)
                      .arg(QStringLiteral("SL"), 7)
                      .arg(QStringLiteral("ASA"), 8)
                      .arg(QStringLiteral("abandon"), 8);
    const auto line = [&](const QString &name, const QString &side, const engine::QueueDay &d) {
        const engine::QueueToday t = engine::summarize(d);
        return QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
            .arg(name, -14)
            .arg(side, -9)
            .arg(t.offered, 8)
            .arg(t.answered, 9)
            .arg(t.abandoned, 10)
            .arg(pct(t.serviceLevel), 7)
            .arg(secs(t.asaMs), 8)
            .arg(pct(t.abandonRate), 8);
    };
    engine::QueueDay allRecorded, allReplayed;
    for (const engine::QueueConfig &q : config.queues) {
        const engine::QueueDay rec = result.recorded.queues.value(q.id);
        const engine::QueueDay rep = result.replayed.queues.value(q.id);
        allRecorded.add(rec);
        allReplayed.add(rep);
        out += line(q.id, QStringLiteral("recorded"), rec);
        out += line(QString(), QStringLiteral("replayed"), rep);
    }
    out += line(QStringLiteral("all queues"), QStringLiteral("recorded"), allRecorded);
    out += line(QString(), QStringLiteral("replayed"), allReplayed);
    const auto occupancy = [](const ReplayFigures &f) {
        return f.loggedInMs > 0
                   ? QString::number(100.0 * double(f.busyMs) / double(f.loggedInMs), 'f', 1) +
                         QLatin1Char('%')
                   : QStringLiteral("-");
    };
    out += QStringLiteral("agent occupancy: recorded %1, replayed %2 (%3 calls)\n")
               .arg(occupancy(result.recorded), occupancy(result.replayed))
               .arg(result.calls);
    return out;
}

} // namespace acdesk::server
