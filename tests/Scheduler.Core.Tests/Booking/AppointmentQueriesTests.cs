using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

public sealed class AppointmentQueriesTests
{
    private readonly BookingWorld _w = new();
    private AppointmentQueries Queries => new(_w.Store, new OneCentre(_w.Centre));
    private static readonly LocalDate Monday = TestCentre.Monday;

    [Fact]
    public async Task A_window_categorys_day_lists_its_appointments_in_order_of_start()
    {
        var late = await _w.BookedAsync(Command(Monday, 15, 0));
        var early = await _w.BookedAsync(Command(Monday, 9, 0));
        await _w.BookedAsync(Command(Monday.PlusDays(1), 9, 0));
        var cancelled = await _w.BookedAsync(Command(Monday, 10, 0));
        await _w.ApplyAsync(cancelled.Id, AppointmentAction.Cancel);

        var day = await Queries.DayAsync(TestCentre.Id, TestCentre.Social, Monday, CancellationToken.None);
        var business = await Queries.DayAsync(TestCentre.Id, TestCentre.Business, Monday, CancellationToken.None);

        Assert.Equal(new[] { early.Id, cancelled.Id, late.Id }, day.Value!.Select(a => a.Id));
        Assert.Empty(business.Value!);
    }

    [Fact]
    public async Task One_appointment_comes_with_its_version_and_an_unknown_one_is_not_found()
    {
        var a = await _w.BookedAsync(Command(Monday, 11, 0));

        var found = await Queries.GetAsync(TestCentre.Id, a.Id, CancellationToken.None);
        var missing = await Queries.GetAsync(TestCentre.Id, "social.nobody", CancellationToken.None);

        Assert.Equal(a, found.Value!.Appointment);
        Assert.False(string.IsNullOrEmpty(found.Value.ETag));
        Assert.Equal((ProblemKind.NotFound, ErrorCodes.UnknownAppointment), (missing.Error!.Kind, missing.Error.Code));
    }

    [Fact]
    public async Task The_day_list_needs_a_date_and_a_known_category_of_a_known_centre()
    {
        Assert.Equal(("date", ErrorCodes.Missing), Of(await Queries.DayAsync(TestCentre.Id, TestCentre.Social, null, CancellationToken.None)));
        Assert.Equal(("categoryId", ErrorCodes.UnknownCategory), Of(await Queries.DayAsync(TestCentre.Id, "nope", Monday, CancellationToken.None)));
        Assert.Equal(("categoryId", ErrorCodes.UnknownCategory), Of(await Queries.DayAsync(TestCentre.Id, null, Monday, CancellationToken.None)));
        Assert.Equal(("centre", ErrorCodes.UnknownCentre), Of(await Queries.DayAsync("elsewhere", TestCentre.Social, Monday, CancellationToken.None)));
    }

    private static (string?, string?) Of<T>(Outcome<T> outcome) => (outcome.Error?.Field, outcome.Error?.Code);
}
