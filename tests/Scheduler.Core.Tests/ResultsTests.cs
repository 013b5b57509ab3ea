using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;

namespace Scheduler.Core.Tests;

/// <summary>The small shared parts: the retry loop, ids, pseudonyms, manage links, outcomes.</summary>
public sealed class ResultsTests
{
    [Fact]
    public async Task The_retry_loop_stops_at_the_first_answer_and_passes_the_attempt_number()
    {
        var seen = new List<int>();

        var result = await ConflictRetry.RunAsync(i =>
        {
            seen.Add(i);
            return Task.FromResult(i < 2 ? Attempt<string>.Again : Attempt<string>.Done($"done at {i}"));
        }, () => "exhausted");

        Assert.Equal("done at 2", result);
        Assert.Equal(new[] { 0, 1, 2 }, seen);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(25)]
    public async Task The_retry_loop_gives_up_after_the_attempts_it_is_given(int attempts)
    {
        var tries = 0;

        var result = await ConflictRetry.RunAsync(_ =>
        {
            tries++;
            return Task.FromResult(Attempt<string>.Again);
        }, () => "exhausted", attempts);

        Assert.Equal("exhausted", result);
        Assert.Equal(attempts, tries);
    }

    [Fact]
    public void Ids_are_lower_case_hex_of_the_length_asked_after_the_prefix_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => Ids.New("xh-", 6)).ToList();

        Assert.All(ids, id => Assert.Matches("^xh-[0-9a-f]{12}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Matches("^[0-9a-f]{16}$", Ids.New());
    }

    [Fact]
    public void Pseudonyms_depend_on_the_key_and_on_every_part_but_not_on_the_case_of_a_name()
    {
        var a = new Pseudonyms(new byte[32]);
        var b = new Pseudonyms(Enumerable.Repeat((byte)7, 32).ToArray());
        const string mobile = "+8613900000001";

        Assert.Matches("^[0-9a-f]{32}$", a.Mobile(mobile));
        Assert.NotEqual(a.Mobile(mobile), b.Mobile(mobile));
        Assert.NotEqual(a.Mobile(mobile), a.Mobile("+8613900000002"));
        Assert.Equal(a.Resident(mobile, "Li Fang"), a.Resident(mobile, "li fang"));
        Assert.NotEqual(a.Resident(mobile, "Li Fang"), a.Resident(mobile, "Li Qiang"));
        Assert.Equal(20, a.Request("huli", mobile, "k").Length);
        Assert.NotEqual(a.Request("huli", mobile, "k"), a.Request("siming", mobile, "k"));
        Assert.NotEqual(a.Request("huli", mobile, "k"), a.Request("huli", mobile, "k2"));
    }

    [Fact]
    public void A_manage_link_allows_its_own_appointment_only_and_outlives_any_move()
    {
        var clock = new FakeClock(TestCentre.Now);
        var tokens = new ResidentTokenService(new byte[32], clock);
        var centre = TestCentre.Snapshot();
        var appointment = new Appointment("social.a1", TestCentre.Id, TestCentre.Social, TestCentre.Pension, false, [TestCentre.Pension], TestCentre.Monday,
            new LocalTime(10, 0), new LocalTime(10, 15), 1, "Asia/Shanghai", "李芳", "+8613900000001", "r", null, null, "zh", AppointmentStatus.Booked,
            TestCentre.Now, "anonymous", null, TestCentre.Now);

        var issued = new ManageLinks(tokens, clock).Issue(centre, appointment);
        Assert.Equal(TokenProblem.None, tokens.TryRead(issued, out var token));
        var caller = new ResidentCaller(token!);

        Assert.True(ManageLinks.Allows(caller, TestCentre.Id, "social.a1"));
        Assert.False(ManageLinks.Allows(caller, TestCentre.Id, "social.a2"));
        Assert.False(ManageLinks.Allows(caller, "siming", "social.a1"));
        Assert.False(ManageLinks.Allows(new ResidentCaller(token! with { Purpose = "home-visit" }), TestCentre.Id, "social.a1"));
        Assert.False(ManageLinks.Allows(AnonymousCaller.Instance, TestCentre.Id, "social.a1"));
        // Valid until the end of the appointment on the day after the last bookable day (2026-12-12, 10:15 at the centre).
        Assert.Equal(Instant.FromUtc(2026, 12, 12, 2, 15), token!.Expires);
    }

    [Fact]
    public void A_problem_converts_to_a_failed_outcome_and_carries_no_value()
    {
        Outcome<int> failed = Problem.Invalid("date", ErrorCodes.Missing, "date is required.");
        var ok = Outcome<int>.Ok(7);

        Assert.Equal((ProblemKind.Invalid, "date", ErrorCodes.Missing), (failed.Error!.Kind, failed.Error.Field, failed.Error.Code));
        Assert.Equal(0, failed.Value);
        Assert.Null(ok.Error);
        Assert.Equal(ProblemKind.NotFound, Problem.UnknownCentre("x").Kind);
    }
}
