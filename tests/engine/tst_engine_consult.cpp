// Consultation, transfer after consultation and conference in the engine (docs/engine.md):
// who is offered what, the states on both sides, the gateway's instructions, and that the
// records count the call once with the transfer recorded.
#include "enginetestutil.h"

#include <QTest>

using namespace acdesk::engine;
using namespace acdesk::engine::test;

namespace {

const QString A1 = QStringLiteral("a1");
const QString A2 = QStringLiteral("a2");
const QString A3 = QStringLiteral("a3");

// Queue "q" (a1, a2; wrap-up 10 s, offers ring 20 s) and queue "back" (a3).
EngineConfig consultConfig()
{
    EngineConfig cfg;
    QueueConfig q = makeQueue(QStringLiteral("q"));
    q.wrapUpSeconds = 10;
    q.offerTimeoutSeconds = 20;
    cfg.queues.append(q);
    QueueConfig back = makeQueue(QStringLiteral("back"));
    back.offerTimeoutSeconds = 30;
    cfg.queues.append(back);
    cfg.agents.append(makeAgent(A1, {QStringLiteral("q")}));
    cfg.agents.append(makeAgent(A2, {QStringLiteral("q")}));
    cfg.agents.append(makeAgent(A3, {QStringLiteral("back")}));
    return cfg;
}

TransferTarget to(TransferTarget::Kind kind, const QString &value)
{
    TransferTarget t;
    t.kind = kind;
    t.value = value;
    return t;
}

// "kind:agent:number" of each telephony instruction, in order.
QStringList telephony(const std::vector<Event> &ev)
{
    QStringList out;
    for (const Telephony &t : eventsOf<Telephony>(ev))
        out.append(telephonyKindName(t.kind) + QLatin1Char(':') + t.agent + QLatin1Char(':') +
                   t.number);
    return out;
}

// a1 (station 201) talks with a caller at t=0+5; a2 (202) and a3 (203) are ready. The call
// arrives when a2 is still not ready, so a1 gets it.
struct Floor
{
    Rig r{consultConfig()};
    QString call;

    Floor()
    {
        for (const QString &a : {A1, A2, A3})
            r.engine->login(a, QStringLiteral("20") + a.right(1));
        r.engine->setState(A1, AgentState::Ready);
        Arrival in;
        in.queue = QStringLiteral("q");
        in.callerNumber = QStringLiteral("+4930123");
        in.callerName = QStringLiteral("Erika Muster");
        in.data.insert(QStringLiteral("customer"), QStringLiteral("K-42"));
        call = r.engine->arrive(in).callId;
        r.at(5);
        r.engine->accept(A1, call);
        r.engine->setState(A2, AgentState::Ready);
        r.engine->setState(A3, AgentState::Ready);
        r.pull();
    }
    Call snap() const { return *r.engine->call(call); }
};

} // namespace

class TstEngineConsult : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void consultAgentThenCompleteTransfer();
    void cancelRingingAndAnswered();
    void rejectAndTimeout();
    void conferenceAndLeaving();
    void hangupAfterAnswerHandsOver();
    void consultNumber();
    void consultQueueRingsItsNextAgent();
    void callerHangsUpDuringConsult();
    void consultedAgentLost();
    void errors();
};

void TstEngineConsult::consultAgentThenCompleteTransfer()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    auto ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"hold:a1:", "ring:a2:"}));
    // a2 is offered the caller's own call, with the caller's data and who consults.
    const auto offered = eventsOf<CallOffered>(ev);
    QCOMPARE(offered.size(), std::size_t(1));
    QCOMPARE(offered[0].agent, A2);
    QCOMPARE(offered[0].call.id, f.call);
    QCOMPARE(offered[0].call.callerName, QStringLiteral("Erika Muster"));
    QCOMPARE(offered[0].call.data.value("customer").toString(), QStringLiteral("K-42"));
    QCOMPARE(offered[0].timeoutMs, qint64(20000));
    QVERIFY(offered[0].call.consult);
    QCOMPARE(offered[0].call.consult->by, A1);
    QCOMPARE(offered[0].call.consult->agent, A2);
    QCOMPARE(offered[0].call.consult->state, Consult::State::Ringing);
    const auto upd = eventsOf<CallUpdated>(ev);
    QCOMPARE(upd.size(), std::size_t(1));
    QCOMPARE(upd[0].agents, QStringList{A1});
    QCOMPARE(upd[0].call.state, CallState::Held);
    QCOMPARE(f.r.state(A2), AgentState::Ringing);
    QCOMPARE(f.r.engine->callsOfAgent(A2).size(), std::size_t(1));

    f.r.at(8);
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"consult:a2:"}));
    const auto talk = eventsOf<CallUpdated>(ev);
    QCOMPARE(talk.size(), std::size_t(1));
    QCOMPARE(talk[0].agents, QStringList({A1, A2}));
    QCOMPARE(talk[0].call.consult->state, Consult::State::Talking);
    QCOMPARE(talk[0].call.state, CallState::Held); // the caller still hears music
    QCOMPARE(f.r.state(A1), AgentState::OnCall);
    QCOMPARE(f.r.state(A2), AgentState::OnCall);

    f.r.at(20);
    QVERIFY(f.r.engine->completeTransfer(A1, f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"complete:a2:"}));
    const auto ended = eventsOf<CallEnded>(ev);
    QCOMPARE(ended.size(), std::size_t(1));
    QCOMPARE(ended[0].agent, A1);
    QCOMPARE(ended[0].cause, EndCause::Transferred);
    QVERIFY(!ended[0].call.consult);
    const auto mine = eventsOf<CallUpdated>(ev);
    QCOMPARE(mine.size(), std::size_t(1));
    QCOMPARE(mine[0].agents, QStringList{A2});
    QCOMPARE(mine[0].call.agent, A2);
    QCOMPARE(mine[0].call.state, CallState::Connected);
    QVERIFY(!mine[0].call.consult);
    QCOMPARE(f.r.state(A1), AgentState::WrapUp);
    QCOMPARE(f.r.state(A2), AgentState::OnCall);
    QCOMPARE(f.r.engine->agent(A2).answeredToday, qint64(1));

    f.r.at(50);
    QVERIFY(f.r.engine->callerHangup(f.call).ok());
    f.r.pull();
    // One queue leg answered by a1 (its hold is the consultation), one direct leg of a2.
    const auto &recs = f.r.records.map();
    QCOMPARE(recs.size(), std::size_t(2));
    const CallRecord first = recs.at({f.call, 1});
    QCOMPARE(first.kind, LegKind::Queue);
    QCOMPARE(first.agent, A1);
    QCOMPARE(first.cause, EndCause::Transferred);
    QCOMPARE(first.transferTo, QStringLiteral("agent:a2"));
    QCOMPARE(first.talkMs, qint64(0));
    QCOMPARE(first.holdMs, qint64(15000));
    const CallRecord second = recs.at({f.call, 2});
    QCOMPARE(second.kind, LegKind::Direct);
    QCOMPARE(second.agent, A2);
    QCOMPARE(second.waitMs, qint64(0));
    QCOMPARE(second.talkMs, qint64(30000));
    QCOMPARE(second.cause, EndCause::CallerHangup);
    const QueueToday t = f.r.engine->queueStats(QStringLiteral("q")).today;
    QCOMPARE(t.offered, qint64(1));
    QCOMPARE(t.answered, qint64(1));
    QCOMPARE(t.transferredOut, qint64(1));
}

void TstEngineConsult::cancelRingingAndAnswered()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    f.r.at(7);
    QVERIFY(f.r.engine->cancelConsult(A1, f.call).ok());
    auto ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"consultEnd:a2:", "resume:a1:"}));
    auto ended = eventsOf<CallEnded>(ev);
    QCOMPARE(ended.size(), std::size_t(1));
    QCOMPARE(ended[0].agent, A2);
    QCOMPARE(ended[0].cause, EndCause::Withdrawn);
    auto back = eventsOf<ConsultEnded>(ev);
    QCOMPARE(back.size(), std::size_t(1));
    QCOMPARE(back[0].agent, A1);
    QCOMPARE(back[0].cause, EndCause::Withdrawn);
    QCOMPARE(f.r.state(A2), AgentState::Ready);
    QCOMPARE(f.snap().state, CallState::Connected);
    QVERIFY(!f.snap().consult);

    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    f.r.pull();
    QVERIFY(f.r.engine->cancelConsult(A1, f.call).ok());
    ev = f.r.pull();
    ended = eventsOf<CallEnded>(ev);
    QCOMPARE(ended.size(), std::size_t(1));
    QCOMPARE(ended[0].cause, EndCause::AgentHangup); // for a2: the other agent hung up
    QCOMPARE(eventsOf<ConsultEnded>(ev).at(0).cause, EndCause::Withdrawn); // a1 cancelled
    QCOMPARE(f.r.state(A2), AgentState::Ready);
    QCOMPARE(f.r.state(A1), AgentState::OnCall);
    QCOMPARE(f.snap().state, CallState::Connected);
    QCOMPARE(f.snap().agent, A1);
    // Nothing of the consultation is in the records: the call is a1's.
    QCOMPARE(f.r.records.map().size(), std::size_t(1));
}

void TstEngineConsult::rejectAndTimeout()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(f.r.engine->reject(A2, f.call).ok());
    auto ev = f.r.pull();
    auto back = eventsOf<ConsultEnded>(ev);
    QCOMPARE(back.size(), std::size_t(1));
    QCOMPARE(back[0].cause, EndCause::Rejected);
    QCOMPARE(back[0].call.state, CallState::Held); // a1 takes the caller back by resuming
    // Declining a colleague is no missed customer call.
    QCOMPARE(f.r.state(A2), AgentState::Ready);

    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    f.r.pull();
    ev = f.r.at(5 + 20);
    back = eventsOf<ConsultEnded>(ev);
    QCOMPARE(back.size(), std::size_t(1));
    QCOMPARE(back[0].cause, EndCause::NoAnswer);
    QCOMPARE(f.r.state(A2), AgentState::NotReady);
    QCOMPARE(f.r.engine->agent(A2).reason, QStringLiteral("no_answer"));
    QVERIFY(f.r.engine->resume(A1, f.call).ok());
    QCOMPARE(f.snap().state, CallState::Connected);
}

void TstEngineConsult::conferenceAndLeaving()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    f.r.pull();
    QVERIFY(f.r.engine->conference(A1, f.call).ok());
    auto ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"conference:a1:"}));
    auto upd = eventsOf<CallUpdated>(ev);
    QCOMPARE(upd.size(), std::size_t(1));
    QCOMPARE(upd[0].agents, QStringList({A1, A2}));
    QCOMPARE(upd[0].call.state, CallState::Connected);
    QCOMPARE(upd[0].call.consult->state, Consult::State::Conference);
    // Nobody holds a conference; the consulted agent cannot act on a1's call.
    QCOMPARE(f.r.engine->hold(A1, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->hold(A2, f.call).code, ErrorKind::InvalidState);
    QVERIFY(f.r.engine->mute(A1, f.call).ok());
    f.r.pull();

    // The consulted agent leaves: a1 and the caller go on.
    QVERIFY(f.r.engine->hangup(A2, f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"consultEnd:a2:"}));
    QCOMPARE(eventsOf<ConsultEnded>(ev).at(0).cause, EndCause::AgentHangup);
    QCOMPARE(f.r.state(A2), AgentState::Ready);
    QCOMPARE(f.snap().state, CallState::Connected);
    QVERIFY(!f.snap().consult);

    // Again, and this time a1 leaves: the caller stays with a2.
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    QVERIFY(f.r.engine->conference(A1, f.call).ok());
    f.r.pull();
    QVERIFY(f.r.engine->hangup(A1, f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"complete:a2:"}));
    QCOMPARE(f.snap().agent, A2);
    QCOMPARE(f.r.state(A1), AgentState::WrapUp);
}

void TstEngineConsult::hangupAfterAnswerHandsOver()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    f.r.pull();
    // While it still rings, hanging up ends the call for the caller and withdraws the offer.
    QVERIFY(f.r.engine->hangup(A1, f.call).ok());
    auto ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"consultEnd:a2:", "drop:a1:"}));
    QVERIFY(!f.r.engine->call(f.call));
    QCOMPARE(f.r.state(A2), AgentState::Ready);

    Floor g;
    QVERIFY(g.r.engine->consult(A1, g.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(g.r.engine->accept(A2, g.call).ok());
    g.r.pull();
    QVERIFY(g.r.engine->hangup(A1, g.call).ok());
    ev = g.r.pull();
    QCOMPARE(telephony(ev), QStringList({"complete:a2:"}));
    QCOMPARE(g.snap().agent, A2);
    QCOMPARE(g.snap().state, CallState::Connected);
}

void TstEngineConsult::consultNumber()
{
    Floor f;
    QVERIFY(f.r.engine
                ->consult(A1, f.call, to(TransferTarget::Kind::Number, QStringLiteral("+4989555")))
                .ok());
    auto ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"hold:a1:", "consult::+4989555"}));
    QCOMPARE(f.snap().consult->state, Consult::State::Talking);
    QVERIFY(f.snap().consult->agent.isEmpty());
    // The number hangs up (gw.hangup side consult): a1 has the caller on hold.
    QVERIFY(f.r.engine->consultGone(f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"consultEnd::"}));
    QCOMPARE(eventsOf<ConsultEnded>(ev).at(0).cause, EndCause::AgentHangup);
    QCOMPARE(f.r.engine->consultGone(f.call).code, ErrorKind::InvalidState);

    QVERIFY(f.r.engine
                ->consult(A1, f.call, to(TransferTarget::Kind::Number, QStringLiteral("+4989555")))
                .ok());
    f.r.at(9);
    QVERIFY(f.r.engine->completeTransfer(A1, f.call).ok());
    ev = f.r.pull();
    QCOMPARE(telephony(ev), QStringList({"complete::+4989555"}));
    QVERIFY(!f.r.engine->call(f.call));
    const CallRecord leg = f.r.records.map().at({f.call, 1});
    QCOMPARE(leg.transferTo, QStringLiteral("number:+4989555"));
    QCOMPARE(leg.cause, EndCause::Transferred);
    QCOMPARE(f.r.state(A1), AgentState::WrapUp);
}

void TstEngineConsult::consultQueueRingsItsNextAgent()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Queue, QStringLiteral("back")))
                .ok());
    auto ev = f.r.pull();
    QCOMPARE(offers(ev), QStringList({"a3:" + f.call}));
    QCOMPARE(eventsOf<CallOffered>(ev).at(0).timeoutMs, qint64(30000)); // "back" rings 30 s
    QCOMPARE(f.snap().consult->target.value, QStringLiteral("back"));
    QVERIFY(f.r.engine->accept(A3, f.call).ok());
    QVERIFY(f.r.engine->completeTransfer(A1, f.call).ok());
    f.r.pull();
    QCOMPARE(f.snap().agent, A3);
    QCOMPARE(f.r.records.map().at({f.call, 1}).transferTo, QStringLiteral("agent:a3"));
    // The consultation made no queue leg in "back".
    QCOMPARE(f.r.engine->queueStats(QStringLiteral("back")).today.offered, qint64(0));

    Floor g;
    g.r.engine->setState(A3, AgentState::NotReady);
    QCOMPARE(
        g.r.engine->consult(A1, g.call, to(TransferTarget::Kind::Queue, QStringLiteral("back")))
            .code,
        ErrorKind::InvalidState);
}

void TstEngineConsult::callerHangsUpDuringConsult()
{
    Floor f;
    QVERIFY(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    f.r.pull();
    f.r.at(12);
    QVERIFY(f.r.engine->callerHangup(f.call).ok());
    const auto ev = f.r.pull();
    const auto ended = eventsOf<CallEnded>(ev);
    QCOMPARE(ended.size(), std::size_t(2));
    QCOMPARE(ended[0].agent, A2);
    QCOMPARE(ended[0].cause, EndCause::CallerHangup);
    QCOMPARE(ended[1].agent, A1);
    QCOMPARE(ended[1].cause, EndCause::CallerHangup);
    QCOMPARE(f.r.state(A2), AgentState::Ready);
    QCOMPARE(f.r.state(A1), AgentState::WrapUp);
    QCOMPARE(f.r.records.map().size(), std::size_t(1));
    QCOMPARE(f.r.records.map().begin()->second.holdMs, qint64(7000));
}

void TstEngineConsult::consultedAgentLost()
{
    EngineConfig cfg = consultConfig();
    cfg.graceSeconds = 10;
    Rig r(cfg);
    for (const QString &a : {A1, A2})
        r.engine->login(a);
    r.engine->setState(A1, AgentState::Ready);
    const QString call = r.arrive(QStringLiteral("q"));
    r.engine->accept(A1, call);
    r.engine->setState(A2, AgentState::Ready);
    QVERIFY(r.engine->consult(A1, call, to(TransferTarget::Kind::Agent, A2)).ok());
    QVERIFY(r.engine->accept(A2, call).ok());
    QVERIFY(r.engine->agentDisconnected(A2).ok());
    r.pull();
    const auto ev = r.at(11);
    const auto back = eventsOf<ConsultEnded>(ev);
    QCOMPARE(back.size(), std::size_t(1));
    QCOMPARE(back[0].cause, EndCause::AgentLost);
    QCOMPARE(r.state(A2), AgentState::LoggedOut);
    QCOMPARE(r.state(A1), AgentState::OnCall);
    QCOMPARE(r.engine->call(call)->state, CallState::Held);
}

void TstEngineConsult::errors()
{
    Floor f;
    const TransferTarget a2 = to(TransferTarget::Kind::Agent, A2);
    QCOMPARE(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, {})).code,
             ErrorKind::BadRequest);
    QCOMPARE(f.r.engine->consult(A1, QStringLiteral("ghost"), a2).code, ErrorKind::NotFound);
    QCOMPARE(f.r.engine->consult(QStringLiteral("nobody"), f.call, a2).code, ErrorKind::NotFound);
    QCOMPARE(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, "zz")).code,
             ErrorKind::NotFound);
    QCOMPARE(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Queue, "zz")).code,
             ErrorKind::NotFound);
    QCOMPARE(f.r.engine->consult(A2, f.call, a2).code, ErrorKind::InvalidState); // not a2's
    QCOMPARE(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A1)).code,
             ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->completeTransfer(A1, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->cancelConsult(A1, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->conference(A1, f.call).code, ErrorKind::InvalidState);
    f.r.engine->setState(A3, AgentState::NotReady);
    QCOMPARE(f.r.engine->consult(A1, f.call, to(TransferTarget::Kind::Agent, A3)).code,
             ErrorKind::InvalidState);

    QVERIFY(f.r.engine->consult(A1, f.call, a2).ok());
    QCOMPARE(f.r.engine->consult(A1, f.call, a2).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->completeTransfer(A1, f.call).code, ErrorKind::InvalidState); // ringing
    QCOMPARE(f.r.engine->conference(A1, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->resume(A1, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->dtmf(A1, f.call, QStringLiteral("1")).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->transfer(A1, f.call, to(TransferTarget::Kind::Queue, "back")).code,
             ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->completeTransfer(A2, f.call).code, ErrorKind::InvalidState);
    QCOMPARE(f.r.engine->logout(A2).code, ErrorKind::InvalidState);
    // Nothing above changed the consultation.
    QCOMPARE(f.snap().consult->state, Consult::State::Ringing);
    QCOMPARE(f.r.state(A2), AgentState::Ringing);
    QCOMPARE(f.r.engine->runWatchdog(), 0);
    QVERIFY(f.r.engine->accept(A2, f.call).ok());
    QCOMPARE(f.r.engine->runWatchdog(), 0);
}

QTEST_GUILESS_MAIN(TstEngineConsult)
#include "tst_engine_consult.moc"
