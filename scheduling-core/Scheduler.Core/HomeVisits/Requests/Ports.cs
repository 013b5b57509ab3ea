using NodaTime;

namespace Scheduler.Core.HomeVisits.Requests;

public sealed record StoredRequest(HomeVisitRequest Request, string ETag);

/// <summary>Where home-visit requests live.</summary>
public interface IHomeVisitStore
{
    /// <summary>Adds the request; false when one with the same duplicate key exists.</summary>
    Task<bool> AddAsync(HomeVisitRequest request, CancellationToken cancellationToken) => AddAsync(request, null, cancellationToken);

    /// <summary>Adds the request and, in the same transaction, the message it owes (<paramref name="owed"/>, when given).</summary>
    Task<bool> AddAsync(HomeVisitRequest request, OwedVisitMessage? owed, CancellationToken cancellationToken);

    Task<StoredRequest?> GetAsync(string centreId, string id, CancellationToken cancellationToken);

    /// <summary>Replaces the request if unchanged since read; false when someone changed it first.</summary>
    Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, CancellationToken cancellationToken) => ReplaceAsync(request, etag, null, cancellationToken);

    /// <summary>Replaces the request as <see cref="ReplaceAsync(HomeVisitRequest, string, CancellationToken)"/>, with the message it owes in the same transaction.</summary>
    Task<bool> ReplaceAsync(HomeVisitRequest request, string etag, OwedVisitMessage? owed, CancellationToken cancellationToken);

    /// <summary>The messages the centre's requests still owe (written with a change, not yet in the SMS outbox), oldest first.</summary>
    Task<IReadOnlyList<OwedVisitMessage>> OwedMessagesAsync(string centreId, CancellationToken cancellationToken);

    /// <summary>The message is in the SMS outbox: it is owed no more. One already gone is no error.</summary>
    Task MessageSentAsync(OwedVisitMessage owed, CancellationToken cancellationToken);

    Task<IReadOnlyList<HomeVisitRequest>> ListAsync(string centreId, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="take"/> requests in the order they came (<see cref="RequestPosition"/>), after the
    /// position <paramref name="after"/> when given: a read of that many rows, never of the whole centre.
    /// </summary>
    Task<IReadOnlyList<HomeVisitRequest>> PageAsync(string centreId, int take, string? after, CancellationToken cancellationToken);

    /// <summary>The requests, in any status, with a window on <paramref name="date"/>: read by key, however many were ever made.</summary>
    Task<IReadOnlyList<HomeVisitRequest>> ListForDateAsync(string centreId, NodaTime.LocalDate date, CancellationToken cancellationToken);
}

/// <summary>Where a request stands in the order requests came: its time (Unix milliseconds, 15 digits) and its id, sortable as text.</summary>
public static class RequestPosition
{
    public static string Of(HomeVisitRequest r) =>
        r.CreatedAt.ToUnixTimeMilliseconds().ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + "|" + r.Id;

    /// <summary>Whether <paramref name="position"/> has the shape <see cref="Of"/> gives.</summary>
    public static bool IsValid(string position) =>
        System.Text.RegularExpressions.Regex.IsMatch(position, "^[0-9]{15}\\|[a-z0-9-]{1,64}$");
}

/// <summary>Encrypts a resident ID for storage; there is no way back through this port.</summary>
public interface IIdProtector
{
    string Protect(string idNumber);
}

/// <summary>When home-visit staff work: a shift on working days, with a lunch break.</summary>
public sealed record HomeVisitShiftRules(LocalTime Start, LocalTime End, LocalTime LunchFrom, LocalTime LunchTo, Duration LunchLength, Duration MaxWorkingTime, int HorizonDays)
{
    public static HomeVisitShiftRules Default { get; } =
        new(new LocalTime(8, 30), new LocalTime(17, 30), new LocalTime(11, 30), new LocalTime(13, 30), Duration.FromMinutes(60), Duration.FromHours(8), 14);
}
