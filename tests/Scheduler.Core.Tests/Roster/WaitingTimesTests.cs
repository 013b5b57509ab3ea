using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Roster;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests.Roster;

/// <summary>Measured waits (check-in to call) and service (call to served) from the hall's records, and the forecast's history from them.</summary>
public sealed class WaitingTimesTests
{
    private sealed class Calls : IWindowCalls
    {
        public List<WindowCall> All { get; } = [];

        public Task<bool> AddAsync(WindowCall call, CancellationToken cancellationToken)
        {
            All.Add(call);
            return Task.FromResult(true);
        }

        public Task<WindowCall?> GetAsync(string centreId, LocalDate date, string appointmentId, CancellationToken cancellationToken) =>
            Task.FromResult(All.FirstOrDefault(c => c.AppointmentId == appointmentId));

        public Task<IReadOnlyList<WindowCall>> ListDayAsync(string centreId, LocalDate date, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WindowCall>>(All.Where(c => c.CentreId == centreId && c.Date == date).ToList());
    }

    private sealed class Generated(IReadOnlyList<HallVisit> visits) : IHallHistory
    {
        public Task<IReadOnlyList<HallVisit>> ReadAsync(string centreId, LocalDate from, LocalDate to, CancellationToken cancellationToken) => Task.FromResult(visits);
    }

    private static readonly LocalDate Monday = TestCentre.Monday;
    private readonly InMemoryAppointmentStore _store = new();
    private readonly Calls _calls = new();

    /// <summary>A local time on Monday at the centre (UTC+8).</summary>
    private static Instant At(int hour, double minute) => Instant.FromUtc(2026, 11, 30, hour - 8, 0) + Duration.FromSeconds(minute * 60);

    private static int _n;

    /// <summary>An appointment checked in at <paramref name="checkedIn"/>, called <paramref name="wait"/> minutes later and served <paramref name="service"/> minutes after that (null: not yet).</summary>
    private Appointment Record(string category, Instant? checkedIn, double? wait, double? service, AssistedConsent? assisted = null, Instant? created = null)
    {
        var item = category == TestCentre.Social ? TestCentre.Pension : "business-licence";
        var a = new Appointment($"{category}.a{++_n:D3}", TestCentre.Id, category, item, false, [item], Monday, new LocalTime(10, 0), new LocalTime(10, 15), 1,
            "Asia/Shanghai", "李芳", "+8613900000001", "resident-key", null, null, "zh", checkedIn is null ? AppointmentStatus.Booked : AppointmentStatus.CheckedIn,
            created ?? TestCentre.Now, "anonymous", null, TestCentre.Now)
        {
            CheckedInAt = checkedIn,
            Assisted = assisted,
        };
        if (checkedIn is { } @in && wait is { } w)
        {
            var called = @in + Duration.FromSeconds(w * 60);
            _calls.All.Add(new WindowCall(TestCentre.Id, a.Id, category, Monday, called, "clerk"));
            if (service is { } s) a = a with { Status = AppointmentStatus.Served, ServedAt = called + Duration.FromSeconds(s * 60) };
        }
        _store.Put(a);
        return a;
    }

    private WaitingTimes UseCase() => new(new HallRecords(_store, _calls), new OneCentre(TestCentre.Snapshot()));

    [Fact]
    public async Task The_report_gives_p50_and_p90_of_wait_and_service_per_day_hour_and_category()
    {
        // Ten social residents from 10:00: waits of 1 to 10 minutes, services of 10 to 19.
        for (var i = 0; i < 10; i++) Record(TestCentre.Social, At(10, i), i + 1, 10 + i);
        Record(TestCentre.Business, At(11, 5), 20, null);       // called, not yet served
        Record(TestCentre.Social, At(11, 10), null, null);      // checked in, not yet called
        Record(TestCentre.Social, null, null, null);            // booked, never came: no record of the hall

        var report = (await UseCase().ReportAsync(TestCentre.Id, Monday, Monday, CancellationToken.None)).Value!;
        WaitFigures Line(int? hour, string? category) => report.Lines.Single(l => l.Date == Monday && l.Hour == hour && l.CategoryId == category).Figures;

        Assert.Equal(new WaitFigures(12, 11, 6, 10, 10, 14, 18), Line(null, null));
        Assert.Equal(new WaitFigures(10, 10, 5, 9, 10, 14, 18), Line(10, TestCentre.Social));
        Assert.Equal(new WaitFigures(1, 1, 20, 20, 0, null, null), Line(11, TestCentre.Business));
        Assert.Equal(new WaitFigures(11, 10, 5, 9, 10, 14, 18), Line(null, TestCentre.Social));
        Assert.Equal(new WaitFigures(2, 1, 20, 20, 0, null, null), Line(11, null));
        Assert.DoesNotContain(report.Lines, l => l.Date != Monday);
    }

    [Theory]
    [InlineData(null, "2026-11-30", "from", ErrorCodes.Missing)]
    [InlineData("2026-11-30", null, "to", ErrorCodes.Missing)]
    [InlineData("2026-11-30", "2026-11-29", "to", ErrorCodes.RangeReversed)]
    [InlineData("2026-09-01", "2026-12-01", "to", ErrorCodes.RangeTooLong)]
    public async Task Bad_ranges_are_refused_naming_the_field(string? from, string? to, string field, string code)
    {
        LocalDate? Parse(string? s) => s is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(s).Value;
        var outcome = await UseCase().ReportAsync(TestCentre.Id, Parse(from), Parse(to), CancellationToken.None);
        Assert.Equal((ProblemKind.Invalid, field, code), (outcome.Error!.Kind, outcome.Error.Field, outcome.Error.Code));
    }

    [Fact]
    public async Task The_forecast_learns_from_the_records_once_they_hold_enough_days_and_from_the_generated_history_before()
    {
        for (var i = 0; i < 3; i++) Record(TestCentre.Social, At(9, 10 * i), 4, 12);
        // A resident without an appointment, booked by staff at the counter on the day: a walk-in.
        Record(TestCentre.Business, At(14, 0), 2, null, new AssistedConsent("clerk", "counter", At(13, 58)), At(13, 58));
        var generated = new Generated([new HallVisit(Monday, new LocalTime(9, 0), TestCentre.Social, TestCentre.Pension, true, false, 10)]);
        var centres = new OneCentre(TestCentre.Snapshot());

        var tooFew = new RecordedHallHistory(new HallRecords(_store, _calls), centres, generated, new RecordedHistorySettings(56, 2));
        Assert.Same(await generated.ReadAsync("huli", Monday, Monday, CancellationToken.None), await tooFew.ReadAsync(TestCentre.Id, Monday.PlusDays(-300), Monday, CancellationToken.None));

        var recorded = await new RecordedHallHistory(new HallRecords(_store, _calls), centres, generated, new RecordedHistorySettings(56, 1))
            .ReadAsync(TestCentre.Id, Monday.PlusDays(-300), Monday, CancellationToken.None);
        Assert.Equal(4, recorded.Count);
        Assert.All(recorded.Where(v => v.CategoryId == TestCentre.Social), v => Assert.Equal((false, 12.0), (v.WalkIn, v.ServiceMinutes)));
        var walkIn = Assert.Single(recorded, v => v.WalkIn);
        Assert.Equal((new LocalTime(14, 0), 20.0), (walkIn.Arrived, walkIn.ServiceMinutes)); // not served yet: the item's minutes
        var forecast = DemandForecast.Learn(recorded, _ => false);
        Assert.Equal(1, forecast.WalkIns(Monday.PlusDays(7), 14, TestCentre.Business, false));
        Assert.Equal(12, forecast.MeanServiceMinutes(TestCentre.Social));
    }
}
