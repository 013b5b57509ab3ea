using NodaTime;
using Scheduler.Core.Booking;
using Xunit;

namespace Scheduler.Core.Tests.Booking;

public sealed class BookerLedgerTests
{
    private static readonly LocalDate Today = new(2026, 11, 27);
    private static readonly Instant At = Instant.FromUtc(2026, 11, 27, 1, 0);

    private static LedgerEntry Entry(string id, int daysAhead, string item = "pension", string resident = "li-fang") =>
        new(id, Today.PlusDays(daysAhead), [item], resident, At);

    private static BookerLedger Holding(params LedgerEntry[] entries) => new(entries, [], []);

    [Fact]
    public void Three_current_appointments_are_the_most_a_number_holds()
    {
        var ledger = Holding(Entry("a", 0), Entry("b", 1), Entry("c", 2));

        Assert.Equal(LedgerRefusal.TooManyActive, ledger.CanReserve(Entry("d", 3), 3, Today));
        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("d", 3), 4, Today));
    }

    [Fact]
    public void Days_gone_by_no_longer_count_and_are_dropped_on_the_next_reservation()
    {
        var ledger = Holding(Entry("past", -1), Entry("b", 1), Entry("c", 2));

        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("d", 3), 3, Today));
        Assert.Equal(new[] { "b", "c", "d" }, ledger.Reserve(Entry("d", 3), Today).Active.Select(e => e.AppointmentId));
    }

    [Fact]
    public void One_resident_holds_one_of_an_item_per_day_even_when_the_limit_is_also_reached()
    {
        var ledger = Holding(Entry("a", 1), Entry("b", 2), Entry("c", 3));

        Assert.Equal(LedgerRefusal.Duplicate, ledger.CanReserve(Entry("d", 1), 3, Today));
        Assert.Equal(LedgerRefusal.Duplicate, ledger.CanReserve(new LedgerEntry("bundle", Today.PlusDays(2), ["other", "pension"], "li-fang", At), 9, Today));
        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("e", 1, resident: "li-qiang"), 9, Today));
        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("f", 1, item: "residence"), 9, Today));
    }

    [Fact]
    public void Reserving_the_same_appointment_again_replaces_its_entry_and_is_not_counted_against_it()
    {
        var ledger = Holding(Entry("a", 1), Entry("b", 2), Entry("c", 3));

        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("c", 3), 3, Today));
        Assert.Equal(3, ledger.Reserve(Entry("c", 4), Today).Active.Count);
        Assert.True(ledger.Holds("c"));
        Assert.False(ledger.Holds("z"));
    }

    [Fact]
    public void Moving_refuses_a_day_where_the_resident_holds_the_item_and_ignores_an_entry_it_does_not_hold()
    {
        var ledger = Holding(Entry("a", 1), Entry("b", 2));

        var (moved, ok) = ledger.Move("b", Today.PlusDays(5));
        var (same, clash) = ledger.Move("b", Today.PlusDays(1));
        var (unchanged, none) = ledger.Move("z", Today.PlusDays(1));

        Assert.Equal(LedgerRefusal.None, ok);
        Assert.Equal(Today.PlusDays(5), moved.Active.Single(e => e.AppointmentId == "b").Date);
        Assert.Equal(LedgerRefusal.Duplicate, clash);
        Assert.Same(ledger, same);
        Assert.Equal(LedgerRefusal.None, none);
        Assert.Same(ledger, unchanged);
    }

    [Fact]
    public void A_no_show_is_counted_once_and_the_appointment_stops_counting()
    {
        var ledger = Holding(Entry("a", 1), Entry("b", 2));

        var once = ledger.RecordNoShow("a");
        var twice = once.RecordNoShow("a");

        Assert.Equal(new[] { "a" }, twice.NoShows);
        Assert.Equal(new[] { "b" }, twice.Active.Select(e => e.AppointmentId));
        Assert.Equal(new[] { "a" }, ledger.Release("b").Active.Select(e => e.AppointmentId));
    }

    private static LedgerEntry Green(string id, int daysAhead) => Entry(id, daysAhead) with { ItemIds = ["green-" + id], GreenPending = true };

    [Fact]
    public void A_number_holds_one_unchecked_green_claim_and_a_plain_booking_is_never_held_back_by_it()
    {
        var ledger = Holding(Green("a", 1));

        Assert.Equal(LedgerRefusal.GreenPending, ledger.CanReserve(Green("b", 2), 3, Today, 2));
        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Entry("b", 2), 3, Today, 2));
        // Checked at the window (either way), the claim no longer waits.
        Assert.Equal(LedgerRefusal.None, ledger.CheckGreen("a", holds: true).CanReserve(Green("b", 2), 3, Today, 2));
        Assert.Equal(LedgerRefusal.None, ledger.CheckGreen("a", holds: false).CanReserve(Green("b", 2), 3, Today, 2));
        // A claim whose day passed unchecked no longer waits either.
        Assert.Equal(LedgerRefusal.None, Holding(Green("past", -1)).CanReserve(Green("b", 2), 3, Today, 2));
        // The same appointment asked again is not a second claim.
        Assert.Equal(LedgerRefusal.None, ledger.CanReserve(Green("a", 1), 3, Today, 2));
    }

    [Fact]
    public void Downgrades_count_once_each_a_confirmation_takes_one_back_and_the_limit_refuses_green_claims_only()
    {
        var ledger = Holding(Green("a", 1), Entry("b", 2));

        var once = ledger.CheckGreen("a", holds: false);
        var twice = once.CheckGreen("a", holds: false);
        var corrected = twice.CheckGreen("a", holds: true);
        var two = once with { Downgrades = ["a", "x"] };

        Assert.Equal(["a"], twice.Downgrades);
        Assert.False(twice.Active.Single(e => e.AppointmentId == "a").GreenPending);
        Assert.Empty(corrected.Downgrades);
        Assert.Equal(LedgerRefusal.None, once.CanReserve(Green("c", 3), 3, Today, 2));
        Assert.Equal(LedgerRefusal.GreenRefused, two.CanReserve(Green("c", 3), 3, Today, 2));
        Assert.Equal(LedgerRefusal.None, two.CanReserve(Green("c", 3), 3, Today, 3));
        Assert.Equal(LedgerRefusal.None, two.CanReserve(Entry("c", 3), 3, Today, 2));
    }
}
