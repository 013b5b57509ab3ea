using NodaTime;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Residents;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.HomeVisits.PlanningWorld;

namespace Scheduler.Core.Tests.HomeVisits;

/// <summary>Home-visit requests: one validation for every channel, eligibility, and the dispatcher's decision.</summary>
public sealed class HomeVisitRequestTests
{
    private readonly PlanningWorld _w = new();
    private static readonly LocalDate Monday = TestCentre.Monday;

    /// <summary>A valid resident ID of someone born 1950-01-01: aged 76 on the test's day.</summary>
    private const string IdNumber = "350206195001011230";

    private static SubmitHomeVisit Submit(LocalDate? date = null, string? idNumber = IdNumber, string item = TestCentre.HomeItem, int from = 9, int to = 11,
        double latitude = 24.52, string mobile = "13900000031") =>
        new("林秀兰", mobile, idNumber, EligibilityReason.Aged60Plus, new LocationInput(latitude, 118.12), " 湖里区华泰路1号 ", item,
            [new WindowInput(date ?? Monday, new LocalTime(from, 0), new LocalTime(to, 0))], VisitUrgency.Soon, " 行动不便 ");

    private Task<Outcome<HomeVisitRequest>> SubmitAsync(SubmitHomeVisit command) =>
        _w.Requests.SubmitAsync(TestCentre.Id, command, new SystemCaller("test"), "web", CancellationToken.None);

    [Fact]
    public async Task A_request_is_assessed_by_the_age_in_the_id_which_is_kept_only_protected_and_it_is_audited()
    {
        var outcome = await SubmitAsync(Submit());

        var r = outcome.Value!;
        Assert.Equal((HomeVisitStatus.Submitted, 76, "+8613900000031", "湖里区华泰路1号", "行动不便", "web"), (r.Status, r.Age, r.Mobile, r.Address, r.Notes, r.Channel));
        Assert.Equal(new EligibilityAssessment(true, "Aged 76 by the resident ID."), r.Assessment);
        Assert.Equal("enc:" + new string(IdNumber.Reverse().ToArray()), r.ProtectedIdNumber);
        Assert.Equal(("home-visit.requested", $"home-visit/{r.Id}"), (Assert.Single(_w.Audit.Entries).Action, _w.Audit.Entries[0].Subject));
    }

    [Fact]
    public async Task The_same_resident_item_and_day_is_a_duplicate_until_the_first_is_cancelled()
    {
        var first = await SubmitAsync(Submit());

        var duplicate = await SubmitAsync(Submit(from: 13, to: 16));
        await _w.Requests.CancelAsync(TestCentre.Id, first.Value!.Id, null, Dispatcher, CancellationToken.None);
        var again = await SubmitAsync(Submit(from: 13, to: 16));

        Assert.Equal(ErrorCodes.Duplicate, duplicate.Error?.Code);
        Assert.Null(again.Error);
    }

    [Theory]
    [InlineData("id", "idNumber", ErrorCodes.InvalidIdNumber)]
    [InlineData("far", "location", ErrorCodes.OutsideServiceArea)]
    [InlineData("hall only", "itemId", ErrorCodes.NotHomeVisitable)]
    [InlineData("past", "windows[0]", ErrorCodes.WindowInThePast)]
    [InlineData("horizon", "windows[0]", ErrorCodes.BeyondHorizon)]
    [InlineData("weekend", "windows[0]", ErrorCodes.OutsideEveryShift)]
    [InlineData("evening", "windows[0]", ErrorCodes.OutsideEveryShift)]
    [InlineData("reversed", "windows[0]", ErrorCodes.ReversedWindow)]
    [InlineData("mobile", "mobile", ErrorCodes.InvalidMobile)]
    public async Task Bad_requests_are_refused_naming_the_field_and_nothing_is_stored(string bad, string field, string code)
    {
        var command = bad switch
        {
            "id" => Submit(idNumber: "350206195001011231"),
            "far" => Submit(latitude: 25.2),
            "hall only" => Submit(item: TestCentre.Pension),
            "past" => Submit(date: Monday.PlusDays(-4)),
            "horizon" => Submit(date: Monday.PlusDays(12)),
            "weekend" => Submit(date: Monday.PlusDays(-2)),
            "evening" => Submit(from: 18, to: 20),
            "reversed" => Submit(from: 11, to: 9),
            _ => Submit(mobile: "12345"),
        };

        var outcome = await SubmitAsync(command);

        Assert.Equal((field, code), (outcome.Error?.Field, outcome.Error?.Code));
        Assert.Empty(await _w.Requests.ListAsync(TestCentre.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_decision_is_told_to_the_resident_once_and_a_rejection_needs_a_reason()
    {
        var r = (await SubmitAsync(Submit())).Value!;

        var noReason = await _w.Requests.DecideAsync(TestCentre.Id, r.Id, DecisionKind.Reject, " ", Dispatcher, CancellationToken.None);
        var approved = await _w.Requests.DecideAsync(TestCentre.Id, r.Id, DecisionKind.Approve, null, Dispatcher, CancellationToken.None);
        var repeated = await _w.Requests.DecideAsync(TestCentre.Id, r.Id, DecisionKind.Approve, null, Dispatcher, CancellationToken.None);
        var rejectLater = await _w.Requests.DecideAsync(TestCentre.Id, r.Id, DecisionKind.Reject, "too late", Dispatcher, CancellationToken.None);

        Assert.Equal(ErrorCodes.ReasonRequired, noReason.Error?.Code);
        Assert.Equal((HomeVisitStatus.Approved, "staff:dispatch"), (approved.Value!.Status, approved.Value.Decision!.By));
        Assert.Equal(approved.Value, repeated.Value);
        Assert.Equal(ErrorCodes.AlreadyDecided, rejectLater.Error?.Code);
        // The request's receipt, then one message for the decision however often it is repeated.
        Assert.Equal(["home-visit-received", "home-visit-approved"], _w.Sms.Sent.Select(m => m.Kind));
        var sms = _w.Sms.Sent[1];
        Assert.Equal("+8613900000031", sms.To);
        Assert.Contains("已通过", sms.Text, StringComparison.Ordinal);
        Assert.Equal(3, _w.Sms.Attempts);
    }

    /// <summary>A request from the public, from a device that verified its mobile.</summary>
    private async Task<Outcome<HomeVisitRequest>> FromPublicAsync(SubmitHomeVisit command) =>
        await _w.Requests.SubmitAsync(TestCentre.Id, command with { MobileProof = await _w.ProofAsync("+86" + command.Mobile) }, AnonymousCaller.Instance, "web", CancellationToken.None);

    [Fact]
    public async Task A_request_from_the_public_without_a_verified_mobile_stores_nothing_sends_nothing_and_uses_none_of_its_limits()
    {
        var refused = new List<Outcome<HomeVisitRequest>>();
        for (var i = 0; i < 4; i++)
            refused.Add(await _w.Requests.SubmitAsync(TestCentre.Id, Submit(date: Monday.PlusDays(i % 2)) with { Name = $"林{i}", MobileProof = i == 3 ? "forged" : null },
                AnonymousCaller.Instance, "web", CancellationToken.None));

        Assert.All(refused, r => Assert.Equal((ProblemKind.Forbidden, ErrorCodes.VerificationRequired), (r.Error!.Kind, r.Error.Code)));
        Assert.Empty(await _w.Requests.ListAsync(TestCentre.Id, CancellationToken.None));
        Assert.Empty(_w.Sms.Sent);
        // The holder of the number still has all three of the day's requests, per mobile and per resident ID.
        for (var i = 0; i < 3; i++)
            Assert.Null((await FromPublicAsync(Submit(date: Monday.PlusDays(i % 2)) with { Name = $"林{i}" })).Error);
    }

    [Fact]
    public async Task A_code_from_the_sms_verifies_the_request_and_earns_a_proof_and_a_wrong_code_is_refused()
    {
        var wrong = await _w.Requests.SubmitVerifiedAsync(TestCentre.Id, Submit() with { VerificationCode = "000000" }, AnonymousCaller.Instance, "web", CancellationToken.None);
        Assert.Equal(ProblemKind.Forbidden, wrong.Error?.Kind);

        await _w.Verification.SendCodeAsync(TestCentre.Id, "13900000031", "zh", CancellationToken.None);
        var code = System.Text.RegularExpressions.Regex.Match(_w.Sms.Sent[^1].Text, "[0-9]{6}").Value;
        var taken = await _w.Requests.SubmitVerifiedAsync(TestCentre.Id, Submit() with { VerificationCode = code }, AnonymousCaller.Instance, "web", CancellationToken.None);
        Assert.Null(taken.Error);
        Assert.True(_w.Verification.ProofHolds("+8613900000031", taken.Value!.NewProof!.Value));
        Assert.Contains(_w.Audit.Entries, e => e.Action == "home-visit.requested" && e.Detail!.Contains("sms-code"));
    }

    [Fact]
    public async Task A_request_by_address_alone_is_taken_with_its_place_pending_and_half_a_place_is_refused()
    {
        var pending = await SubmitAsync(Submit() with { Location = null });
        Assert.Null(pending.Error);
        Assert.True(pending.Value!.LocationPending());
        Assert.Equal("湖里区华泰路1号", pending.Value.Address);
        Assert.True((await _w.RequestStore.GetAsync(TestCentre.Id, pending.Value.Id, CancellationToken.None))!.Request.LocationPending());
        Assert.Null((await SubmitAsync(Submit(date: Monday.PlusDays(1)) with { Location = new LocationInput(null, null) })).Error);

        var half = await SubmitAsync(Submit(date: Monday.PlusDays(2)) with { Location = new LocationInput(24.52, null) });
        Assert.Equal(("location", ErrorCodes.InvalidLocation), (half.Error?.Field, half.Error?.Code));
        // An address is still needed: it is what staff go by.
        var nowhere = await SubmitAsync(Submit(date: Monday.PlusDays(3)) with { Location = null, Address = " " });
        Assert.Equal(("address", ErrorCodes.InvalidAddress), (nowhere.Error?.Field, nowhere.Error?.Code));
    }

    [Fact]
    public async Task A_dispatcher_sets_a_pending_place_validated_and_audited_and_not_on_a_cancelled_request()
    {
        var r = (await SubmitAsync(Submit() with { Location = null })).Value!;

        var bad = await _w.Requests.SetLocationAsync(TestCentre.Id, r.Id, 124.5, 118.12, Dispatcher, CancellationToken.None);
        Assert.Equal(ErrorCodes.InvalidLocation, bad.Error?.Code);
        var missing = await _w.Requests.SetLocationAsync(TestCentre.Id, r.Id, 24.5, null, Dispatcher, CancellationToken.None);
        Assert.Equal(ErrorCodes.InvalidLocation, missing.Error?.Code);
        var far = await _w.Requests.SetLocationAsync(TestCentre.Id, r.Id, 31.23, 121.47, Dispatcher, CancellationToken.None);
        Assert.Equal(ErrorCodes.OutsideServiceArea, far.Error?.Code);
        var unknown = await _w.Requests.SetLocationAsync(TestCentre.Id, "hv-none", 24.5, 118.1, Dispatcher, CancellationToken.None);
        Assert.Equal(ErrorCodes.UnknownRequest, unknown.Error?.Code);

        var set = await _w.Requests.SetLocationAsync(TestCentre.Id, r.Id, 24.51, 118.14, Dispatcher, CancellationToken.None);
        Assert.Equal(new Scheduler.Core.Catalogue.GeoPoint(24.51, 118.14), set.Value!.Location);
        Assert.False((await _w.RequestStore.GetAsync(TestCentre.Id, r.Id, CancellationToken.None))!.Request.LocationPending());
        var audit = Assert.Single(_w.Audit.Entries, e => e.Action == "home-visit.location-set");
        Assert.Equal(($"home-visit/{r.Id}", "staff:dispatch"), (audit.Subject, audit.Actor));
        // Neither the coordinates nor the address go into the audit.
        Assert.DoesNotContain("24.51", audit.Detail);

        await _w.Requests.CancelAsync(TestCentre.Id, r.Id, null, Dispatcher, CancellationToken.None);
        var late = await _w.Requests.SetLocationAsync(TestCentre.Id, r.Id, 24.52, 118.15, Dispatcher, CancellationToken.None);
        Assert.Equal(ErrorCodes.AlreadyDecided, late.Error?.Code);
    }

    [Fact]
    public async Task A_dispatcher_asking_on_a_residents_behalf_needs_no_code()
    {
        var outcome = await _w.Requests.SubmitAsync(TestCentre.Id, Submit(), Dispatcher, "dispatcher", CancellationToken.None);
        Assert.Null(outcome.Error);
        Assert.Equal(["home-visit-received"], _w.Sms.Sent.Select(m => m.Kind));
    }

    [Fact]
    public async Task Requests_from_the_public_stop_at_the_limit_per_mobile_whatever_the_name_or_day()
    {
        var results = new List<Outcome<HomeVisitRequest>>();
        for (var i = 0; i < 5; i++)
            results.Add(await FromPublicAsync(Submit(date: Monday.PlusDays(i % 2), idNumber: null) with { Name = $"林{i}" }));

        Assert.Equal(3, results.Count(r => r.Error is null));
        Assert.All(results.Skip(3), r => Assert.Equal((ProblemKind.TooManyRequests, ErrorCodes.RateLimited, "mobile"), (r.Error!.Kind, r.Error.Code, r.Error.Field)));
        Assert.True(results[^1].Error!.RetryAfter > Duration.Zero);
    }

    [Fact]
    public async Task Requests_for_one_resident_id_stop_at_the_limit_whatever_the_mobile()
    {
        var results = new List<Outcome<HomeVisitRequest>>();
        for (var i = 0; i < 4; i++)
            results.Add(await FromPublicAsync(Submit(mobile: $"1390000004{i}") with { Name = $"林{i}" }));

        Assert.Equal(3, results.Count(r => r.Error is null));
        Assert.Equal(("idNumber", ErrorCodes.RateLimited), (results[^1].Error?.Field, results[^1].Error?.Code));
    }

    [Fact]
    public async Task Staff_and_other_systems_are_not_limited()
    {
        for (var i = 0; i < 5; i++)
            Assert.Null((await SubmitAsync(Submit(idNumber: null) with { Name = $"林{i}" })).Error);
    }

    [Fact]
    public async Task A_filtered_list_finds_matches_on_every_page_and_a_page_reads_a_bounded_number_of_requests()
    {
        // Every seventh request is still to be decided; the rest were approved long ago.
        var total = HomeVisitService.MaxScanned + 300;
        for (var i = 0; i < total; i++)
        {
            _w.Stored($"hv-{i:D5}", Monday, i % 7 == 0 ? HomeVisitStatus.Submitted : HomeVisitStatus.Approved);
            _w.Clock.Advance(Duration.FromSeconds(1));
        }
        var filter = new RequestFilter(HomeVisitStatus.Submitted, null, null);

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await _w.Requests.PageAsync(TestCentre.Id, 100, next, CancellationToken.None, filter);
            Assert.Null(page.Error);
            Assert.All(page.Value.Items, r => Assert.Equal(HomeVisitStatus.Submitted, r.Status));
            Assert.True(page.Value.Items.Count <= 100);
            seen.AddRange(page.Value.Items.Select(r => r.Id));
            next = page.Value.Next;
            pages++;
        } while (next is not null && pages < 50);

        // Each submitted request once, in order; a page of 100 matches needs 700 reads, so no page ever stopped short
        // of its budget of 1,000 with a match skipped.
        var expected = Enumerable.Range(0, total).Where(i => i % 7 == 0).Select(i => $"hv-{i:D5}").ToList();
        Assert.Equal(expected, seen);

        // A filter nothing matches reads 1,000 requests, answers none and says where to go on, until the end.
        var none = await _w.Requests.PageAsync(TestCentre.Id, 10, null, CancellationToken.None, new RequestFilter(null, VisitUrgency.Urgent, null));
        Assert.Empty(none.Value.Items);
        Assert.NotNull(none.Value.Next);
        var rest = await _w.Requests.PageAsync(TestCentre.Id, 10, none.Value.Next, CancellationToken.None, new RequestFilter(null, VisitUrgency.Urgent, null));
        Assert.Empty(rest.Value.Items);
        Assert.Null(rest.Value.Next);

        // By visit day: none of these has a window on Tuesday.
        var tuesday = await _w.Requests.PageAsync(TestCentre.Id, 10, null, CancellationToken.None, new RequestFilter(null, null, Monday.PlusDays(1)));
        Assert.Empty(tuesday.Value.Items);
    }

    [Fact]
    public async Task The_dispatchers_list_comes_a_page_at_a_time_oldest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            _w.Stored($"hv-{i}", Monday, HomeVisitStatus.Submitted);
            _w.Clock.Advance(Duration.FromSeconds(1));
        }

        var first = await _w.Requests.PageAsync(TestCentre.Id, 2, null, CancellationToken.None);
        var second = await _w.Requests.PageAsync(TestCentre.Id, 2, first.Value.Next, CancellationToken.None);
        var last = await _w.Requests.PageAsync(TestCentre.Id, 2, second.Value.Next, CancellationToken.None);

        Assert.Equal(["hv-0", "hv-1"], first.Value.Items.Select(r => r.Id));
        Assert.Equal(["hv-2", "hv-3"], second.Value.Items.Select(r => r.Id));
        Assert.Equal(["hv-4"], last.Value.Items.Select(r => r.Id));
        Assert.Null(last.Value.Next);
        Assert.Equal(ErrorCodes.InvalidPageSize, (await _w.Requests.PageAsync(TestCentre.Id, 0, null, CancellationToken.None)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidPageSize, (await _w.Requests.PageAsync(TestCentre.Id, 201, null, CancellationToken.None)).Error?.Code);
        Assert.Null((await _w.Requests.PageAsync(TestCentre.Id, 5, null, CancellationToken.None)).Value.Next);
        foreach (var bad in new[] { "hv-none", "!!!", "aGVsbG8", new string('A', 400), Convert.ToBase64String("000000000000001|HV 1"u8.ToArray()) })
        {
            var refused = await _w.Requests.PageAsync(TestCentre.Id, 2, bad, CancellationToken.None);
            Assert.Equal(ErrorCodes.InvalidContinuation, refused.Error?.Code);
            Assert.Equal("continuationToken", refused.Error?.Field);
        }
    }
}
