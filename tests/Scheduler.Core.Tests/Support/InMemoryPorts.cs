using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Notifications;

namespace Scheduler.Core.Tests.Support;

/// <summary>One centre, or none for any other id.</summary>
public sealed class OneCentre(CentreSnapshot centre) : ICentreDirectory
{
    public Task<CentreSnapshot?> GetAsync(string centreId, CancellationToken cancellationToken) =>
        Task.FromResult(centreId == centre.Profile.Centre.Id ? centre : null);
}

/// <summary>Chinese mobile numbers only: 11 digits starting 13-19, given with or without +86.</summary>
public sealed class ChineseMobiles : IPhoneNumbers
{
    public string? NormalizeMobile(string? input, out string reason)
    {
        var digits = input?.Trim().Replace(" ", "", StringComparison.Ordinal) ?? "";
        if (digits.StartsWith("+86", StringComparison.Ordinal)) digits = digits[3..];
        if (digits.Length == 11 && digits[0] == '1' && digits[1] is >= '3' and <= '9' && digits.All(char.IsAsciiDigit))
        {
            reason = "";
            return "+86" + digits;
        }
        reason = "Not a Chinese mobile number.";
        return null;
    }
}

/// <summary>An append-only audit log; an entry with a key is kept once, as the table log does.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    public List<AuditEntry> Entries { get; } = [];

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        lock (Entries)
            if (entry.Key is null || Entries.All(e => e.Key != entry.Key || e.CentreId != entry.CentreId)) Entries.Add(entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ReadDayAsync(string centreId, LocalDate utcDate, int max, CancellationToken cancellationToken)
    {
        lock (Entries)
            return Task.FromResult<IReadOnlyList<AuditEntry>>(Entries.Where(e => e.CentreId == centreId && e.At.InUtc().Date == utcDate)
                .OrderByDescending(e => e.At).Take(max).ToList());
    }
}

public sealed class RecordingOutbox : IAppointmentEventOutbox
{
    public List<string> Acknowledged { get; } = [];

    public Task AcknowledgeAsync(AppointmentEvent appointmentEvent, CancellationToken cancellationToken)
    {
        Acknowledged.Add(appointmentEvent.EventId);
        return Task.CompletedTask;
    }
}

/// <summary>A message the outbox took: its key, recipient and text.</summary>
public sealed record RecordedSms(string IdempotencyKey, string To, string Text, string Kind);

/// <summary>Messages taken, in order; a key taken before is not taken again (the outbox's promise); nobody is opted out.</summary>
public sealed class RecordingSms : ISmsOutbox, ISmsContacts
{
    public List<RecordedSms> Sent { get; } = [];
    public int Attempts { get; private set; }

    /// <summary>How many of the next messages fail, as an outbox that cannot be reached (the message is not taken).</summary>
    public int FailNext { get; set; }

    public Task<OutboxResult> EnqueueAsync(OutboundSms message, bool optedOut, CancellationToken cancellationToken)
    {
        Attempts++;
        if (FailNext > 0)
        {
            FailNext--;
            throw new IOException("the outbox could not be reached");
        }
        if (Sent.Any(m => m.IdempotencyKey == message.Key)) return Task.FromResult(OutboxResult.AlreadyTaken);
        Sent.Add(new RecordedSms(message.Key, message.To, message.Text, message.Kind));
        return Task.FromResult(OutboxResult.Queued);
    }

    public Task<Conversation?> GetConversationAsync(string e164, CancellationToken cancellationToken) => Task.FromResult<Conversation?>(null);
    public Task SaveConversationAsync(string e164, Conversation conversation, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<bool> IsOptedOutAsync(string e164, CancellationToken cancellationToken) => Task.FromResult(false);
    public Task SetOptedOutAsync(string e164, bool optedOut, Instant at, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<bool> ClaimInboundAsync(string messageSid, Instant at, CancellationToken cancellationToken) => Task.FromResult(true);
}

public sealed class ReversingProtector : IIdProtector
{
    public string Protect(string idNumber) => "enc:" + new string(idNumber.Reverse().ToArray());
}

/// <summary>Home-visit requests in memory, ETag-guarded, one per duplicate key.</summary>
public sealed class InMemoryHomeVisitStore : IHomeVisitStore
{
    private readonly Dictionary<string, StoredRequest> _requests = [];
    private int _version;

    private readonly Dictionary<string, OwedVisitMessage> _owed = [];

    /// <summary>The messages still owed (written with a change, not yet marked sent).</summary>
    public IReadOnlyCollection<OwedVisitMessage> Owed => _owed.Values;

    public Task<bool> AddAsync(HomeVisitRequest request, CancellationToken cancellationToken) => AddAsync(request, null, cancellationToken);

    public Task<bool> AddAsync(HomeVisitRequest request, OwedVisitMessage? owed, CancellationToken cancellationToken)
    {
        if (_requests.Values.Any(s => s.Request.CentreId == request.CentreId && s.Request.DuplicateKey == request.DuplicateKey
                                      && s.Request.Status != HomeVisitStatus.Cancelled))
            return Task.FromResult(false);
        _requests[request.Id] = new StoredRequest(request, $"{++_version}");
        if (owed is not null) _owed[owed.Key()] = owed;
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<OwedVisitMessage>> OwedMessagesAsync(string centreId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OwedVisitMessage>>(_owed.Values.Where(o => o.Request.CentreId == centreId).OrderBy(o => o.At).ToList());

    public Task MessageSentAsync(OwedVisitMessage owed, CancellationToken cancellationToken)
    {
        _owed.Remove(owed.Key());
        return Task.CompletedTask;
    }

    public Task<StoredRequest?> GetAsync(string centreId, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_requests.TryGetValue(id, out var s) && s.Request.CentreId == centreId ? s : null);

    public Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, CancellationToken cancellationToken) => ReplaceAsync(request, etag, null, cancellationToken);

    public Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, OwedVisitMessage? owed, CancellationToken cancellationToken)
    {
        if (!_requests.TryGetValue(request.Id, out var s) || s.ETag != etag) return Task.FromResult(false);
        _requests[request.Id] = new StoredRequest(request, $"{++_version}");
        if (owed is not null) _owed[owed.Key()] = owed;
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string centreId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HomeVisitRequest>>(_requests.Values.Select(s => s.Request).Where(r => r.CentreId == centreId).ToList());

    public Task<IReadOnlyList<HomeVisitRequest>> PageAsync(string centreId, int take, string? after, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HomeVisitRequest>>(_requests.Values.Select(s => s.Request).Where(r => r.CentreId == centreId)
            .Select(r => (Position: RequestPosition.Of(r), Request: r)).Where(p => after is null || string.CompareOrdinal(p.Position, after) > 0)
            .OrderBy(p => p.Position, StringComparer.Ordinal).Take(take).Select(p => p.Request).ToList());
    public Task<IReadOnlyList<HomeVisitRequest>> ListForDateAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HomeVisitRequest>>(_requests.Values.Select(s => s.Request).Where(r => r.CentreId == centreId && r.Windows.Any(w => w.Date == date)).ToList());

    public void Put(HomeVisitRequest request) => _requests[request.Id] = new StoredRequest(request, $"{++_version}");
}

/// <summary>Plan runs in memory: ETag-guarded replaces, and one published run per day at most.</summary>
public sealed class InMemoryPlanRunStore : IPlanRunStore
{
    private readonly Dictionary<string, StoredPlanRun> _runs = [];
    private int _version;

    /// <summary>Runs before a replace decides: where a test makes another consumer's change.</summary>
    public Action<PlanRun>? BeforeReplace { get; set; }

    public IEnumerable<PlanRun> All => _runs.Values.Select(s => s.Run);

    public PlanRun this[string id] => _runs[id].Run;

    public Task<bool> AddAsync(PlanRun run, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryAdd(run.Id, new StoredPlanRun(run, $"{++_version}")));

    public Task<StoredPlanRun?> GetAsync(string centreId, string planId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryGetValue(planId, out var s) && s.Run.CentreId == centreId ? s : null);

    public Task<StoredPlanRun?> PublishedAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.Values.SingleOrDefault(s => s.Run.CentreId == centreId && s.Run.Date == date && s.Run.Status == PlanRunStatus.Published));

    public Task<bool> ReplaceAsync(PlanRun run, string etag, CancellationToken cancellationToken)
    {
        BeforeReplace?.Invoke(run);
        if (!_runs.TryGetValue(run.Id, out var s) || s.ETag != etag) return Task.FromResult(false);
        _runs[run.Id] = new StoredPlanRun(run, $"{++_version}");
        return Task.FromResult(true);
    }

    private readonly Dictionary<string, Instant> _untold = [];

    public Task<IReadOnlyList<(PlanRun Run, Instant At)>> UntoldAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(PlanRun, Instant)>>(_untold.Select(u => (_runs[u.Key].Run, u.Value))
            .Where(u => u.Item1.CentreId == centreId && u.Item1.Date >= from && u.Item1.Date <= to).ToList());

    public Task ResidentsToldAsync(PlanRun run, CancellationToken cancellationToken)
    {
        _untold.Remove(run.Id);
        return Task.CompletedTask;
    }

    public Task<bool> PublishAsync(StoredPlanRun run, StoredPlanRun? previous, Instant at, CancellationToken cancellationToken)
    {
        if (_runs[run.Run.Id].ETag != run.ETag) return Task.FromResult(false);
        if (previous is not null && _runs[previous.Run.Id].ETag != previous.ETag) return Task.FromResult(false);
        var other = _runs.Values.FirstOrDefault(s => s.Run.Date == run.Run.Date && s.Run.Status == PlanRunStatus.Published && s.Run.Id != previous?.Run.Id);
        if (other is not null) return Task.FromResult(false);
        _runs[run.Run.Id] = new StoredPlanRun(run.Run with { Status = PlanRunStatus.Published }, $"{++_version}");
        _untold[run.Run.Id] = at;
        if (previous is not null) _runs[previous.Run.Id] = new StoredPlanRun(previous.Run with { Status = PlanRunStatus.Superseded }, $"{++_version}");
        return Task.FromResult(true);
    }

    /// <summary>Changes a run behind the use case's back, as another consumer would.</summary>
    public void Put(PlanRun run) => _runs[run.Id] = new StoredPlanRun(run, $"{++_version}");
}

public sealed class RecordingPlanQueue : IPlanQueue
{
    public List<PlanRequested> Messages { get; } = [];

    public Task EnqueueAsync(PlanRequested message, CancellationToken cancellationToken)
    {
        Messages.Add(message);
        return Task.CompletedTask;
    }
}

/// <summary>A solver that answers what the test tells it to, and remembers what it was asked.</summary>
public sealed class StubSolver : IDayPlanSolver
{
    public Func<LocalDate, IReadOnlyList<HomeVisitRequest>, DayPlanOutcome> Answer { get; set; } =
        (date, _) => new DayPlanOutcome(true, EmptyPlan(date), null, [], 0.1, "searched 2 s");

    public List<(LocalDate Date, int Requests, HomeVisitPlan? Published, Duration TimeLimit)> Calls { get; } = [];

    /// <summary>What each call was told sending each staff member out costs (null when nothing was priced).</summary>
    public List<IReadOnlyDictionary<string, long>?> UseCosts { get; } = [];

    public Task<DayPlanOutcome> SolveAsync(CentreSnapshot centre, LocalDate date, IReadOnlyList<HomeVisitRequest> requests, HomeVisitShiftRules shifts,
        HomeVisitPlan? published, Duration timeLimit, CancellationToken cancellationToken, IReadOnlyDictionary<string, long>? useCost = null)
    {
        Calls.Add((date, requests.Count, published, timeLimit));
        UseCosts.Add(useCost);
        return Task.FromResult(Answer(date, requests));
    }

    public static HomeVisitPlan EmptyPlan(LocalDate date) =>
        new(TestCentre.Id, date, [], [], new PlanKpis(0, 0, Duration.Zero, 0, Duration.Zero, []));
}

/// <summary>Challenges by centre and mobile key, with ETags that change on every write, as the table's do.</summary>
public sealed class InMemoryPhoneVerifications : Scheduler.Core.Identity.IPhoneVerificationStore
{
    private readonly Dictionary<(string, string), (Scheduler.Core.Identity.VerificationChallenge Challenge, string ETag)> _rows = [];
    private readonly Lock _lock = new();

    public Task<Scheduler.Core.Identity.StoredChallenge?> GetAsync(string centreId, string mobileKey, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_rows.TryGetValue((centreId, mobileKey), out var row) ? new Scheduler.Core.Identity.StoredChallenge(row.Challenge, row.ETag) : null);
    }

    public Task<bool> TryWriteAsync(string centreId, string mobileKey, Scheduler.Core.Identity.VerificationChallenge challenge, string? expectedETag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var exists = _rows.TryGetValue((centreId, mobileKey), out var row);
            if (expectedETag is null ? exists : !exists || row.ETag != expectedETag) return Task.FromResult(false);
            _rows[(centreId, mobileKey)] = (challenge, Guid.NewGuid().ToString("N"));
            return Task.FromResult(true);
        }
    }
}

/// <summary>Fixed-window counts by scope and key, as the table counter keeps them.</summary>
public sealed class InMemoryRateCounter : Scheduler.Core.Abuse.IRateCounter
{
    private readonly Dictionary<(string, string), (Instant Start, int Count)> _rows = [];
    private readonly Lock _lock = new();

    public Task<Scheduler.Core.Abuse.RateCount> HitAsync(string scope, string key, Scheduler.Core.Abuse.RateLimit limit, Instant now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var (start, count) = _rows.TryGetValue((scope, key), out var row) && now < row.Start + limit.Window ? row : (now, 0);
            if (count >= limit.Limit) return Task.FromResult(new Scheduler.Core.Abuse.RateCount(false, count, start + limit.Window));
            _rows[(scope, key)] = (start, count + 1);
            return Task.FromResult(new Scheduler.Core.Abuse.RateCount(true, count + 1, start + limit.Window));
        }
    }
}

/// <summary>Visit outcomes in memory: one per centre, day and request, the first standing.</summary>
public sealed class InMemoryVisitOutcomes : Scheduler.Core.HomeVisits.Planning.IVisitOutcomes
{
    private readonly Dictionary<(string CentreId, LocalDate Date, string RequestId), Scheduler.Core.HomeVisits.Planning.VisitOutcome> _rows = [];

    public IReadOnlyCollection<Scheduler.Core.HomeVisits.Planning.VisitOutcome> All => _rows.Values;

    public Task<bool> AddAsync(Scheduler.Core.HomeVisits.Planning.VisitOutcome outcome, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryAdd((outcome.CentreId, outcome.Date, outcome.RequestId), outcome));

    public Task<Scheduler.Core.HomeVisits.Planning.VisitOutcome?> GetAsync(string centreId, LocalDate date, string requestId, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.GetValueOrDefault((centreId, date, requestId)));

    public Task<IReadOnlyList<Scheduler.Core.HomeVisits.Planning.VisitOutcome>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Scheduler.Core.HomeVisits.Planning.VisitOutcome>>(_rows.Values.Where(o => o.CentreId == centreId && o.Date == date).ToList());
}
