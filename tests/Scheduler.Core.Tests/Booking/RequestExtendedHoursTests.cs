using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

/// <summary>
/// A wish for a lunch, evening or weekend slot. This centre opens one social window on Thursday evenings
/// (17:30-20:00) and two on Saturday 2026-12-05 (09:00-12:00).
/// </summary>
public sealed class RequestExtendedHoursTests
{
    private static readonly LocalDate Monday = TestCentre.Monday;
    private static readonly LocalDate Thursday = Monday.PlusDays(3);
    private static readonly LocalDate Saturday = Monday.PlusDays(5);
    private static LocalizedText T(string s) => new(s, s);

    private readonly BookingWorld _w = new(TestCentre.Profile() with
    {
        ExtendedSessions =
        [
            new ExtendedSession("thursday-evening", IsoDayOfWeek.Thursday, null, new LocalTime(17, 30), new LocalTime(20, 0), [TestCentre.Social], T("延时"), 1),
            new ExtendedSession("saturday", null, Saturday, new LocalTime(9, 0), new LocalTime(12, 0), [TestCentre.Social], T("周末"), 2),
        ],
    });

    private readonly List<ExtendedHoursRequest> _recorded = [];
    private readonly InMemoryAuditLog _audit = new();

    private sealed class Recorder(List<ExtendedHoursRequest> into) : IExtendedHoursRequests
    {
        public Task<bool> AddAsync(ExtendedHoursRequest request, CancellationToken cancellationToken)
        {
            if (into.Any(r => r.Id == request.Id)) return Task.FromResult(false);
            into.Add(request);
            return Task.FromResult(true);
        }
    }

    private async Task<Outcome<ExtendedHoursOutcome>> RequestAsync(LocalDate? date, SlotKind? wanted, string? mobile = null)
    {
        mobile ??= NewMobile();
        var proof = new ChineseMobiles().NormalizeMobile(mobile, out _) is { } e164 ? await _w.ProofAsync(e164) : null;
        return await new RequestExtendedHours(_w.Store, new OneCentre(_w.Centre), new ChineseMobiles(), new Recorder(_recorded), _w.Book, _w.Verification, new AuditTrail(_audit, _w.Clock), _w.Clock, null, _w.Pseudonyms)
            .RequestAsync(TestCentre.Id, new ExtendedHoursCommand(TestCentre.Pension, null, date, wanted, "李芳", mobile, null, null, proof), Resident, CancellationToken.None);
    }

    [Fact]
    public async Task An_evening_with_room_is_booked_at_its_first_free_slot()
    {
        var outcome = await RequestAsync(Thursday, SlotKind.Evening);

        var booked = outcome.Value!.Booked!.Appointment;
        Assert.Null(outcome.Value.Recorded);
        Assert.Equal((Thursday, new LocalTime(17, 30)), (booked.Date, booked.Start));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Thursday, 17, 30));
        Assert.Empty(_recorded);
    }

    [Fact]
    public async Task A_full_evening_moves_to_the_next_slot_of_the_session()
    {
        await RequestAsync(Thursday, SlotKind.Evening);

        var second = await RequestAsync(Thursday, SlotKind.Evening);

        Assert.Equal(new LocalTime(17, 45), second.Value!.Booked!.Appointment.Start);
    }

    [Fact]
    public async Task A_weekend_wish_is_booked_into_a_special_saturday_session()
    {
        var outcome = await RequestAsync(Saturday, SlotKind.Weekend);

        Assert.Equal((Saturday, new LocalTime(9, 0)), (outcome.Value!.Booked!.Appointment.Date, outcome.Value.Booked.Appointment.Start));
    }

    [Fact]
    public async Task Without_such_a_session_the_wish_is_recorded_for_the_centre_and_audited()
    {
        var outcome = await RequestAsync(Monday, SlotKind.Evening);

        var recorded = outcome.Value!.Recorded!;
        Assert.Null(outcome.Value.Booked);
        Assert.Equal(recorded, Assert.Single(_recorded));
        Assert.Equal((Monday, SlotKind.Evening, TestCentre.Social, TestCentre.Pension, "李芳"), (recorded.Date, recorded.Wanted, recorded.CategoryId, recorded.BookableId, recorded.ResidentName));
        Assert.StartsWith("xh-", recorded.Id, StringComparison.Ordinal);
        var audit = Assert.Single(_audit.Entries);
        Assert.Equal(("extended-hours.requested", $"extended-hours/{recorded.Id}", "pension-certification 2026-11-30 Evening"), (audit.Action, audit.Subject, audit.Detail));
        Assert.Empty(_w.Store.Outcomes);
    }

    [Fact]
    public async Task The_same_wish_from_the_same_number_is_recorded_once()
    {
        var mobile = NewMobile();
        var first = await RequestAsync(Monday, SlotKind.Evening, mobile);
        var again = await RequestAsync(Monday, SlotKind.Evening, mobile);

        Assert.NotNull(first.Value!.Recorded);
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.Duplicate), (again.Error?.Kind, again.Error?.Code));
        Assert.Single(_recorded);
        Assert.Single(_audit.Entries);
    }

    [Fact]
    public async Task A_refusal_other_than_a_full_session_is_passed_on_and_nothing_is_recorded()
    {
        var mobile = NewMobile();
        await RequestAsync(Thursday, SlotKind.Evening, mobile);

        var again = await RequestAsync(Thursday, SlotKind.Evening, mobile);

        Assert.Equal(ErrorCodes.Duplicate, again.Error?.Code);
        Assert.Empty(_recorded);
    }

    [Theory]
    [InlineData("regular", "wanted", ErrorCodes.UnknownPeriod)]
    [InlineData("no date", "date", ErrorCodes.Missing)]
    [InlineData("past", "date", ErrorCodes.InThePast)]
    [InlineData("horizon", "date", ErrorCodes.BeyondHorizon)]
    [InlineData("mobile", "mobile", ErrorCodes.InvalidMobile)]
    public async Task Bad_wishes_are_refused(string bad, string field, string code)
    {
        var outcome = bad switch
        {
            "regular" => await RequestAsync(Thursday, SlotKind.Regular),
            "no date" => await RequestAsync(null, SlotKind.Evening),
            "past" => await RequestAsync(Monday.PlusDays(-4), SlotKind.Evening),
            "horizon" => await RequestAsync(Monday.PlusDays(17), SlotKind.Evening),
            _ => await RequestAsync(Thursday, SlotKind.Evening, "12345"),
        };

        Assert.Equal((field, code), (outcome.Error?.Field, outcome.Error?.Code));
        Assert.Empty(_recorded);
    }
}
