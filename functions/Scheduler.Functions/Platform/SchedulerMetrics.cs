using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The app's own metrics (meter <see cref="MeterName"/>), exported to Application Insights when it is configured.
/// Inject it and call the method for what happened. Tags are closed sets chosen by the caller (centre id, window
/// category, a reason code, a message kind): never a phone number, a resident ID, a name or an address. Any tag
/// value that still looks like a phone number or an ID number is replaced before it is recorded.
/// </summary>
public sealed class SchedulerMetrics
{
    public const string MeterName = "Scheduler";

    private readonly Counter<long> _booked;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _smsSent;
    private readonly Counter<long> _smsSegments;
    private readonly Counter<long> _smsFailed;
    private readonly Histogram<double> _solveSeconds;
    private readonly Counter<long> _visitsServed;
    private readonly Counter<long> _visitsDropped;

    public SchedulerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _booked = meter.CreateCounter<long>("scheduler.appointments.booked", "{appointment}", "Appointments booked.");
        _rejected = meter.CreateCounter<long>("scheduler.appointments.rejected", "{appointment}",
            "Booking attempts refused (slot full, not bookable, lost race after retries), by reason.");
        _smsSent = meter.CreateCounter<long>("scheduler.sms.sent", "{message}", "SMS accepted by the provider.");
        _smsSegments = meter.CreateCounter<long>("scheduler.sms.segments", "{segment}", "Billed segments of the SMS sent (70 Chinese characters each, 67 when split).");
        _smsFailed = meter.CreateCounter<long>("scheduler.sms.failed", "{message}", "SMS the provider refused or failed to deliver, by error code.");
        _solveSeconds = meter.CreateHistogram<double>("scheduler.plan.solve.duration", "s", "Wall-clock time of one planner solve.");
        _visitsServed = meter.CreateCounter<long>("scheduler.plan.visits.served", "{visit}", "Home visits a solved plan assigns to staff.");
        _visitsDropped = meter.CreateCounter<long>("scheduler.plan.visits.dropped", "{visit}", "Home visits a solved plan could not place.");
    }

    /// <summary>An appointment was booked for a window category at a centre.</summary>
    public void AppointmentBooked(string centreId, string category) =>
        _booked.Add(1, Tags(("centre", centreId), ("category", category)));

    /// <summary>A booking was refused; <paramref name="reason"/> is a code such as <c>slot-full</c> or <c>conflict</c>.</summary>
    public void AppointmentRejected(string centreId, string category, string reason) =>
        _rejected.Add(1, Tags(("centre", centreId), ("category", category), ("reason", reason)));

    /// <summary>An SMS was accepted by the provider; <paramref name="kind"/> is the message template (<c>confirmation</c>, <c>reminder</c>).</summary>
    public void SmsSent(string centreId, string kind, int segments = 1)
    {
        var tags = Tags(("centre", centreId), ("kind", kind));
        _smsSent.Add(1, tags);
        _smsSegments.Add(Math.Max(1, segments), tags);
    }

    /// <summary>An SMS failed; <paramref name="errorCode"/> is the provider's code (Twilio's 21610 for an opted-out number).</summary>
    public void SmsFailed(string centreId, string kind, string errorCode) =>
        _smsFailed.Add(1, Tags(("centre", centreId), ("kind", kind), ("error", errorCode)));

    /// <summary>A planner finished: how long it took and how good the plan is (visits served and dropped).</summary>
    /// <param name="planner">Which planner: <c>routes</c> or <c>roster</c>.</param>
    /// <param name="status">The solver's status, such as <c>optimal</c>, <c>feasible</c> or <c>timeout</c>.</param>
    public void PlanSolved(string centreId, string planner, string status, TimeSpan elapsed, int visitsServed, int visitsDropped)
    {
        var tags = Tags(("centre", centreId), ("planner", planner), ("status", status));
        _solveSeconds.Record(elapsed.TotalSeconds, tags);
        if (visitsServed > 0) _visitsServed.Add(visitsServed, tags);
        if (visitsDropped > 0) _visitsDropped.Add(visitsDropped, tags);
    }

    private static TagList Tags(params ReadOnlySpan<(string Key, string Value)> tags)
    {
        var list = new TagList();
        foreach (var (key, value) in tags) list.Add(key, TelemetryPrivacy.Scrub(value));
        return list;
    }
}
