using NodaTime;
using Scheduler.Core.Booking;
using Xunit;

namespace Scheduler.Core.Tests;

public sealed class CapacityTests
{
    private static readonly BookingRules Rules = BookingRules.Default with { GreenChannelShare = 0.25, GreenChannelReleaseMinutes = 120 };

    [Theory]
    [InlineData(8, 2)]
    [InlineData(3, 0)]
    [InlineData(4, 1)]
    [InlineData(0, 0)]
    public void A_share_of_capacity_is_held_for_the_green_channel_rounded_down(int capacity, int held) =>
        Assert.Equal(held, Capacity.Held(capacity, Rules));

    [Fact]
    public void Everyone_else_cannot_take_the_held_seats_before_release()
    {
        Assert.Equal(6, Capacity.Free(8, 2, new SlotUsage(0, 0), green: false, released: false));
        Assert.Equal(0, Capacity.Free(8, 2, new SlotUsage(6, 0), green: false, released: false));
        Assert.Equal(2, Capacity.Free(8, 2, new SlotUsage(6, 0), green: true, released: false));
    }

    [Fact]
    public void Green_bookers_use_the_held_seats_first_then_the_rest()
    {
        Assert.Equal(6, Capacity.Free(8, 2, new SlotUsage(0, 2), green: false, released: false));
        Assert.Equal(5, Capacity.Free(8, 2, new SlotUsage(0, 3), green: false, released: false));
        Assert.Equal(0, Capacity.Free(8, 2, new SlotUsage(5, 3), green: true, released: false));
    }

    [Fact]
    public void After_release_anyone_takes_what_is_left()
    {
        Assert.Equal(2, Capacity.Free(8, 2, new SlotUsage(6, 0), green: false, released: true));
        var start = Instant.FromUtc(2026, 11, 30, 1, 0);
        Assert.False(Capacity.Released(start, start - Duration.FromMinutes(121), Rules));
        Assert.True(Capacity.Released(start, start - Duration.FromMinutes(120), Rules));
    }

    [Fact]
    public void Capacity_is_staffed_windows_times_admissions_per_window()
    {
        var slot = new Calendar.Slot("social", new LocalDate(2026, 11, 30), new LocalTime(9, 0), new LocalTime(9, 15), 8, Calendar.SlotKind.Regular);
        Assert.Equal(16, Capacity.Of(slot, Rules with { AdmitsPerWindowPerSlot = 2 }));
    }
}
