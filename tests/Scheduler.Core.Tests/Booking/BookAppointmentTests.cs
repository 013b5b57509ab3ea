using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Identity;
using Scheduler.Core.Results;
using Scheduler.Core.Tests.Support;
using Xunit;
using static Scheduler.Core.Tests.Support.BookingWorld;

namespace Scheduler.Core.Tests.Booking;

/// <summary>
/// Booking against the in-memory store. The clock stands at Friday 2026-11-27 09:00 at the centre; a social slot
/// holds 4, one held for the green channel until two hours before it.
/// </summary>
public sealed class BookAppointmentTests
{
    private readonly BookingWorld _w = new();
    private static readonly LocalDate Monday = TestCentre.Monday;
    private static readonly LocalDate Tuesday = Monday.PlusDays(1);
    private static readonly LocalDate Thursday = Monday.PlusDays(3);
    private static readonly LocalDate Friday = Monday.PlusDays(4);

    [Fact]
    public async Task A_first_booking_from_a_number_is_one_commit_that_takes_the_seat_adds_the_ledger_and_the_event()
    {
        var mobile = NewMobile();

        var outcome = await _w.BookAsync(Command(Monday, 10, 0, mobile));

        Assert.Null(outcome.Error);
        var (a, token, repeated, _) = outcome.Value!;
        Assert.False(repeated);
        Assert.Equal(AppointmentStatus.Booked, a.Status);
        Assert.StartsWith("social.", a.Id, StringComparison.Ordinal);
        Assert.Equal("+86" + mobile, a.Mobile);
        Assert.Equal((new LocalTime(10, 0), new LocalTime(10, 15), 1), (a.Start, a.End, a.Slots));
        Assert.Null(a.ConfirmBy);
        Assert.Equal(new[] { CommitOutcome.Committed }, _w.Store.Outcomes);
        Assert.Equal(0, _w.Store.LedgerReads);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
        Assert.True(_w.Store.Ledger(_w.MobileKey(mobile))!.Holds(a.Id));
        Assert.Equal(a, _w.Store.Appointment(a.Id));
        var e = Assert.Single(_w.Store.Events);
        Assert.Equal((AppointmentEventTypes.Booked, a.Id, TestCentre.Pension, AppointmentStatus.Booked), (e.Type, e.AppointmentId, e.BookableId, e.Status));
        Assert.Equal(TokenProblem.None, _w.Tokens.TryRead(token, out var link));
        Assert.Equal(($"appointment/{a.Id}", ManageLinks.Purpose, TestCentre.Id), (link!.Subject, link.Purpose, link.CentreId));
    }

    [Fact]
    public async Task A_slot_admits_its_capacity_a_quarter_held_for_the_green_channel_and_a_full_slot_offers_the_three_nearest()
    {
        for (var i = 0; i < 3; i++) await _w.BookedAsync(Command(Monday, 10, 30));

        var fourth = await _w.BookAsync(Command(Monday, 10, 30));
        var green = await _w.BookAsync(Command(Monday, 10, 30, priority: PriorityReason.Elderly));
        var fifth = await _w.BookAsync(Command(Monday, 10, 30, priority: PriorityReason.Pregnant));

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.SlotFull), (fourth.Error!.Kind, fourth.Error.Code));
        Assert.Equal(new[] { new LocalTime(10, 15), new LocalTime(10, 45), new LocalTime(10, 0) }, fourth.Error.Alternatives!.Select(o => o.Start));
        Assert.All(fourth.Error.Alternatives!, o => Assert.Equal(Monday, o.Date));
        Assert.Null(green.Error);
        Assert.True(green.Value!.Appointment.Green);
        Assert.Equal(ErrorCodes.SlotFull, fifth.Error?.Code);
        Assert.Equal(new SlotUsage(3, 1), _w.Usage(Monday, 10, 30));
        Assert.Equal(4, _w.Store.Events.Count);
    }

    [Fact]
    public async Task Held_seats_are_released_to_everyone_two_hours_before_the_slot()
    {
        var today = TestCentre.Monday.PlusDays(-3);
        for (var i = 0; i < 3; i++) await _w.BookedAsync(Command(today, 11, 30));

        var early = await _w.BookAsync(Command(today, 11, 30));
        _w.Clock.Advance(Duration.FromMinutes(30));
        var released = await _w.BookAsync(Command(today, 11, 30));

        Assert.Equal(ErrorCodes.SlotFull, early.Error?.Code);
        Assert.Null(released.Error);
        Assert.Equal(new SlotUsage(4, 0), _w.Usage(today, 11, 30));
    }

    [Fact]
    public async Task A_bundle_takes_back_to_back_slots_and_must_fit_before_the_windows_close()
    {
        var a = await _w.BookedAsync(Command(Monday, 10, 0, bundle: TestCentre.Bundle));
        var beforeLunch = await _w.BookAsync(Command(Monday, 11, 45, bundle: TestCentre.Bundle));

        Assert.Equal((true, 2, new LocalTime(10, 30)), (a.IsBundle, a.Slots, a.End));
        Assert.Equal(new[] { TestCentre.Pension, TestCentre.Residence }, a.ItemIds);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 0));
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 10, 15));
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 10, 30));
        Assert.Equal(ErrorCodes.TooLateInSession, beforeLunch.Error?.Code);
    }

    [Fact]
    public async Task A_number_holds_at_most_three_and_a_later_booking_reads_its_ledger_once_after_the_commit_says_it_changed()
    {
        var mobile = NewMobile();
        var first = await _w.BookedAsync(Command(Monday, 9, 0, mobile));
        var outcomesBefore = _w.Store.Outcomes.Count;
        await _w.BookedAsync(Command(Tuesday, 9, 0, mobile));
        var second = _w.Store.Outcomes.Skip(outcomesBefore).ToList();
        await _w.BookedAsync(Command(Thursday, 9, 0, mobile));

        var fourth = await _w.BookAsync(Command(Friday, 9, 0, mobile));
        await _w.ApplyAsync(first.Id, AppointmentAction.Cancel);
        var afterCancelling = await _w.BookAsync(Command(Friday, 9, 0, mobile));

        Assert.Equal(new[] { CommitOutcome.LedgerChanged, CommitOutcome.Committed }, second);
        Assert.Equal((ProblemKind.Conflict, ErrorCodes.TooManyActive, "mobile"), (fourth.Error!.Kind, fourth.Error.Code, fourth.Error.Field));
        Assert.Null(afterCancelling.Error);
        Assert.Equal(3, _w.Store.Ledger(_w.MobileKey(mobile))!.Active.Count);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Friday, 9, 0));
    }

    [Fact]
    public async Task A_resident_books_one_of_an_item_per_day_while_family_on_the_same_number_may_book_it_too()
    {
        var mobile = NewMobile();
        await _w.BookedAsync(Command(Monday, 10, 0, mobile, name: "Li Fang"));

        var again = await _w.BookAsync(Command(Monday, 14, 0, mobile, name: " li fang "));
        var family = await _w.BookAsync(Command(Monday, 14, 0, mobile, name: "Li Qiang"));
        var otherItem = await _w.BookAsync(Command(Monday, 15, 0, mobile, item: TestCentre.Residence, name: "Li Fang"));

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.Duplicate, "itemId"), (again.Error!.Kind, again.Error.Code, again.Error.Field));
        Assert.Null(family.Error);
        Assert.Null(otherItem.Error);
        Assert.Equal(new SlotUsage(1, 0), _w.Usage(Monday, 14, 0));
    }

    [Fact]
    public async Task A_repeat_with_the_same_idempotency_key_answers_the_first_booking_and_takes_nothing_more()
    {
        var mobile = NewMobile();
        var first = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "tap-1"));
        var repeat = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "tap-1"));
        var otherKey = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "tap-2"));
        var otherNumber = await _w.BookAsync(Command(Monday, 11, 0, key: "tap-1"));

        Assert.True(repeat.Value!.Repeated);
        Assert.Equal(first.Value!.Appointment.Id, repeat.Value.Appointment.Id);
        Assert.Equal(ErrorCodes.Duplicate, otherKey.Error?.Code);
        Assert.NotEqual(first.Value.Appointment.Id, otherNumber.Value!.Appointment.Id);
        Assert.Equal(new SlotUsage(2, 0), _w.Usage(Monday, 11, 0));
        Assert.Equal(2, _w.Store.Events.Count);
        Assert.Single(_w.Store.Ledger(_w.MobileKey(mobile))!.Active);
    }

    [Fact]
    public async Task A_repeat_that_finds_the_slot_full_because_its_first_copy_took_the_last_seat_answers_that_copy()
    {
        for (var i = 0; i < 2; i++) await _w.BookedAsync(Command(Monday, 11, 15));
        var command = Command(Monday, 11, 15, key: "last-seat");
        var first = await _w.BookedAsync(command);

        var repeat = await _w.BookAsync(command);

        Assert.Equal(CommitOutcome.Full, _w.Store.Outcomes[^1]);
        Assert.True(repeat.Value!.Repeated);
        Assert.Equal(first.Id, repeat.Value.Appointment.Id);
        Assert.Equal(new SlotUsage(3, 0), _w.Usage(Monday, 11, 15));
    }

    [Fact]
    public async Task After_two_no_shows_the_next_booking_waits_for_confirmation_until_twelve_hours_or_the_cut_off()
    {
        var mobile = NewMobile();
        var missed = new[] { await _w.BookedAsync(Command(Monday, 9, 0, mobile)), await _w.BookedAsync(Command(Tuesday, 9, 0, mobile)) };
        _w.Clock.Reset(Instant.FromUtc(2026, 12, 1, 1, 5)); // Tuesday 09:05
        foreach (var a in missed) Assert.Null((await _w.ApplyAsync(a.Id, AppointmentAction.NoShow)).Error);

        var later = await _w.BookedAsync(Command(Thursday, 10, 0, mobile));
        var soon = await _w.BookedAsync(Command(Tuesday, 11, 0, mobile, item: TestCentre.Residence));
        var otherNumber = await _w.BookedAsync(Command(Thursday, 10, 0));

        Assert.Equal(AppointmentStatus.AwaitingConfirmation, later.Status);
        Assert.Equal(_w.Clock.GetCurrentInstant() + Duration.FromHours(12), later.ConfirmBy);
        Assert.Equal(AppointmentStatus.AwaitingConfirmation, soon.Status);
        Assert.Equal(Instant.FromUtc(2026, 12, 1, 2, 30), soon.ConfirmBy); // 10:30, the cut-off of an 11:00 slot
        Assert.Equal(AppointmentStatus.Booked, otherNumber.Status);
        Assert.Equal(missed.Select(a => a.Id), _w.Store.Ledger(_w.MobileKey(mobile))!.NoShows);
    }

    [Fact]
    public async Task One_no_show_is_not_enough_to_ask_for_confirmation()
    {
        var mobile = NewMobile();
        _w.Store.PutLedger(_w.MobileKey(mobile), new BookerLedger([], ["social.earlier"], []));

        var a = await _w.BookedAsync(Command(Monday, 9, 15, mobile));

        Assert.Equal(AppointmentStatus.Booked, a.Status);
        Assert.Equal(new[] { CommitOutcome.LedgerChanged, CommitOutcome.Committed }, _w.Store.Outcomes);
    }

    [Fact]
    public async Task When_the_ledger_changed_under_it_the_booking_reads_it_and_decides_again_refusing_what_it_now_forbids()
    {
        var mobile = NewMobile();
        var held = Enumerable.Range(0, 3).Select(i => new LedgerEntry($"social.rival{i}", Tuesday, [TestCentre.Residence], "someone", TestCentre.Now)).ToList();
        var raced = false;
        _w.Store.BeforeCommit = _ =>
        {
            if (raced) return;
            raced = true;
            _w.Store.PutLedger(_w.MobileKey(mobile), new BookerLedger(held, [], []));
        };

        var outcome = await _w.BookAsync(Command(Monday, 13, 30, mobile));

        Assert.Equal(ErrorCodes.TooManyActive, outcome.Error?.Code);
        Assert.Equal(new[] { CommitOutcome.LedgerChanged }, _w.Store.Outcomes);
        Assert.Equal(1, _w.Store.LedgerReads);
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 13, 30));
        Assert.Empty(_w.Store.Events);
    }

    [Fact]
    public async Task When_the_ledger_changed_under_it_the_booking_keeps_what_the_rival_wrote()
    {
        var mobile = NewMobile();
        var rival = new LedgerEntry("social.rival", Tuesday, [TestCentre.Residence], "someone", TestCentre.Now);
        var raced = false;
        _w.Store.BeforeCommit = _ =>
        {
            if (raced) return;
            raced = true;
            _w.Store.PutLedger(_w.MobileKey(mobile), new BookerLedger([rival], [], []));
        };

        var a = await _w.BookedAsync(Command(Monday, 13, 45, mobile));

        Assert.Equal(new[] { CommitOutcome.LedgerChanged, CommitOutcome.Committed }, _w.Store.Outcomes);
        Assert.Equal(new[] { "social.rival", a.Id }, _w.Store.Ledger(_w.MobileKey(mobile))!.Active.Select(e => e.AppointmentId));
    }

    [Fact]
    public async Task A_ledger_that_keeps_changing_ends_in_busy_after_a_bounded_number_of_attempts()
    {
        var mobile = NewMobile();
        _w.Store.BeforeCommit = _ => _w.Store.PutLedger(_w.MobileKey(mobile), BookerLedger.Empty);

        var outcome = await _w.BookAsync(Command(Monday, 14, 30, mobile));

        Assert.Equal((ProblemKind.Conflict, ErrorCodes.Busy), (outcome.Error!.Kind, outcome.Error.Code));
        Assert.Equal(25, _w.Store.Outcomes.Count);
        Assert.All(_w.Store.Outcomes, o => Assert.Equal(CommitOutcome.LedgerChanged, o));
        Assert.Equal(new SlotUsage(0, 0), _w.Usage(Monday, 14, 30));
    }

    [Theory]
    [InlineData("centre", "centre", ErrorCodes.UnknownCentre)]
    [InlineData("mobile", "mobile", ErrorCodes.InvalidMobile)]
    [InlineData("name", "name", ErrorCodes.NameEmpty)]
    [InlineData("long name", "name", ErrorCodes.NameTooLong)]
    [InlineData("language", "language", ErrorCodes.UnknownLanguage)]
    [InlineData("consent", "proxy.residentConsented", ErrorCodes.ConsentMissing)]
    [InlineData("relationship", "proxy.relationship", ErrorCodes.InvalidRelationship)]
    [InlineData("key", "Idempotency-Key", ErrorCodes.KeyTooLong)]
    [InlineData("item", "itemId", ErrorCodes.UnknownItem)]
    [InlineData("bundle", "bundleId", ErrorCodes.UnknownBundle)]
    [InlineData("item and bundle", "bundleId", ErrorCodes.ItemAndBundle)]
    [InlineData("no date", "date", ErrorCodes.Missing)]
    [InlineData("no start", "start", ErrorCodes.Missing)]
    [InlineData("past", "start", ErrorCodes.InThePast)]
    [InlineData("cut-off", "start", ErrorCodes.AfterCutoff)]
    [InlineData("horizon", "date", ErrorCodes.BeyondHorizon)]
    [InlineData("closure", "date", ErrorCodes.Closed)]
    [InlineData("holiday", "date", ErrorCodes.Holiday)]
    [InlineData("grid", "start", ErrorCodes.NotOnGrid)]
    [InlineData("lunch", "start", ErrorCodes.OutsideOpeningHours)]
    [InlineData("weekend", "start", ErrorCodes.OutsideOpeningHours)]
    public async Task Bad_bookings_are_refused_naming_the_field_and_nothing_is_committed(string bad, string field, string code)
    {
        var ok = Command(Monday, 10, 0);
        var today = Monday.PlusDays(-3);
        var command = bad switch
        {
            "mobile" => ok with { Mobile = "12345" },
            "name" => ok with { Name = "   " },
            "long name" => ok with { Name = new string('李', 51) },
            "language" => ok with { Language = "fr" },
            "consent" => ok with { Proxy = new ProxyInput("李强", "son", false) },
            "relationship" => ok with { Proxy = new ProxyInput("李强", "", true) },
            "key" => ok with { IdempotencyKey = new string('k', 101) },
            "item" => ok with { ItemId = "no-such-item" },
            "bundle" => ok with { ItemId = null, BundleId = "no-such-bundle" },
            "item and bundle" => ok with { BundleId = TestCentre.Bundle },
            "no date" => ok with { Date = null },
            "no start" => ok with { Start = null },
            "past" => ok with { Date = today, Start = new LocalTime(8, 45) },
            "cut-off" => ok with { Date = today, Start = new LocalTime(9, 15) },
            "horizon" => ok with { Date = today.PlusDays(17) },
            "closure" => ok with { Date = TestCentre.Closure },
            "holiday" => ok with { Date = new LocalDate(2027, 1, 1) },
            "grid" => ok with { Start = new LocalTime(10, 5) },
            "lunch" => ok with { Start = new LocalTime(12, 15) },
            "weekend" => ok with { Date = today.PlusDays(1) },
            _ => ok,
        };

        var outcome = await _w.Book.BookAsync(bad == "centre" ? "elsewhere" : TestCentre.Id, command, Resident, CancellationToken.None);

        Assert.Equal((field, code), (outcome.Error?.Field, outcome.Error?.Code));
        Assert.Empty(_w.Store.Outcomes);
    }

    [Fact]
    public async Task A_proxy_booking_records_who_booked_with_the_consent_time()
    {
        var a = await _w.BookedAsync(Command(Monday, 15, 30) with { Proxy = new ProxyInput(" 李强 ", " 儿子 ", true) });

        Assert.Equal(new ProxyBooker("李强", "儿子", true, TestCentre.Now), a.Proxy);
    }

    [Fact]
    public async Task Staff_booking_for_a_resident_needs_no_code_but_records_the_residents_consent()
    {
        var outcome = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 15, 45) with { Assisted = new AssistedInput("counter", true) }, Staff, CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal("staff:clerk", outcome.Value!.Appointment.CreatedBy);
        Assert.Equal(VerifiedBy.StaffAssisted, outcome.Value.Appointment.VerifiedBy);
        Assert.Equal(new AssistedConsent("clerk", "counter", TestCentre.Now), outcome.Value.Appointment.Assisted);
        Assert.Equal("staff:clerk", Assert.Single(_w.Store.Events).Actor);
        Assert.Empty(_w.Sms.Sent);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("counter", false)]
    [InlineData("email", true)]
    public async Task Staff_booking_without_the_residents_consent_is_refused(string? channel, bool consented)
    {
        var outcome = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 15, 45) with { Assisted = new AssistedInput(channel, consented) }, Staff, CancellationToken.None);

        Assert.Equal(("assisted", ErrorCodes.ConsentMissing), (outcome.Error?.Field, outcome.Error?.Code));
        Assert.Empty(_w.Store.Outcomes);
    }

    [Fact]
    public async Task An_anonymous_booking_without_a_verified_mobile_is_refused_and_holds_nothing()
    {
        var outcome = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 0), Resident, CancellationToken.None);

        Assert.Equal((ProblemKind.Forbidden, ErrorCodes.VerificationRequired), (outcome.Error?.Kind, outcome.Error?.Code));
        Assert.Empty(_w.Store.Outcomes);
        Assert.Equal(SlotUsage.Empty, _w.Usage(Monday, 9, 0));
    }

    [Fact]
    public async Task A_code_from_the_sms_books_and_earns_a_proof_that_books_again_without_a_code()
    {
        var mobile = NewMobile();
        var code = await _w.SendCodeAsync(mobile);

        var first = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 0, mobile) with { VerificationCode = code }, Resident, CancellationToken.None);
        Assert.Null(first.Error);
        Assert.Equal(VerifiedBy.Code, first.Value!.Appointment.VerifiedBy);
        var proof = first.Value.NewProof!;
        Assert.Equal(TestCentre.Now + PhoneVerificationSettings.Default.ProofLifetime, proof.Expires);

        _w.Clock.Advance(Duration.FromDays(6));
        var second = await _w.Book.BookAsync(TestCentre.Id, Command(Monday.PlusDays(7), 9, 0, mobile, item: TestCentre.Residence) with { MobileProof = proof.Value },
            Resident, CancellationToken.None);
        Assert.Null(second.Error);
        Assert.Equal(VerifiedBy.Proof, second.Value!.Appointment.VerifiedBy);
        Assert.Null(second.Value.NewProof);
    }

    [Fact]
    public async Task A_proof_for_another_mobile_a_forged_one_or_an_expired_one_does_not_count()
    {
        var mine = NewMobile();
        var proof = await _w.ProofAsync("+86" + mine);

        var other = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 0) with { MobileProof = proof }, Resident, CancellationToken.None);
        var forged = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 0, mine) with { MobileProof = proof[..^2] + "AA" }, Resident, CancellationToken.None);
        _w.Clock.Advance(PhoneVerificationSettings.Default.ProofLifetime + Duration.FromSeconds(1));
        var expired = await _w.Book.BookAsync(TestCentre.Id, Command(Monday.PlusDays(14), 9, 0, mine) with { MobileProof = proof }, Resident, CancellationToken.None);

        Assert.All(new[] { other, forged, expired }, o => Assert.Equal(ErrorCodes.VerificationRequired, o.Error?.Code));
        Assert.Empty(_w.Store.Outcomes);
    }

    [Fact]
    public async Task A_resident_booking_link_counts_as_verified_for_its_own_mobile_only_and_a_manage_link_does_not()
    {
        var mine = NewMobile();
        var book = new ResidentCaller(new ResidentToken(TestCentre.Id, _w.Verification.BookLinkSubject("+86" + mine), PhoneVerification.BookLinkPurpose,
            TestCentre.Now + Duration.FromDays(1)));
        var noMobile = new ResidentCaller(new ResidentToken(TestCentre.Id, "resident/r1", PhoneVerification.BookLinkPurpose, TestCentre.Now + Duration.FromDays(1)));
        var manage = new ResidentCaller(new ResidentToken(TestCentre.Id, "appointment/x", ManageLinks.Purpose, TestCentre.Now + Duration.FromDays(1)));

        var byLink = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 0, mine), book, CancellationToken.None);
        var forwarded = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 30), book, CancellationToken.None);
        var byLinkWithoutMobile = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 45), noMobile, CancellationToken.None);
        var byManage = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 9, 15), manage, CancellationToken.None);

        Assert.Equal(VerifiedBy.ResidentLink, byLink.Value?.Appointment.VerifiedBy);
        Assert.All(new[] { forwarded, byLinkWithoutMobile, byManage }, o => Assert.Equal(ErrorCodes.VerificationRequired, o.Error?.Code));
    }

    [Fact]
    public async Task A_repeated_key_with_another_name_item_or_date_is_refused_and_mints_no_link()
    {
        var mobile = NewMobile();
        var first = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "same-key"));
        Assert.Null(first.Error);

        var otherName = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "same-key", name: "王伟"));
        var otherItem = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "same-key", item: TestCentre.Residence));
        var otherDay = await _w.BookAsync(Command(Monday.PlusDays(1), 11, 0, mobile, key: "same-key"));
        var same = await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "same-key"));

        Assert.All(new[] { otherName, otherItem, otherDay }, o =>
        {
            Assert.Equal((ProblemKind.Unprocessable, ErrorCodes.RequestMismatch), (o.Error?.Kind, o.Error?.Code));
            Assert.Null(o.Value);
        });
        Assert.True(same.Value!.Repeated);
        Assert.Equal(first.Value!.Appointment.Id, same.Value.Appointment.Id);
        Assert.Single(_w.Store.Events);
    }

    [Fact]
    public async Task A_replay_of_someone_elses_key_without_their_mobile_verified_gets_nothing()
    {
        var mobile = NewMobile();
        Assert.Null((await _w.BookAsync(Command(Monday, 11, 0, mobile, key: "k-1"))).Error);

        var replay = await _w.Book.BookAsync(TestCentre.Id, Command(Monday, 11, 0, mobile, key: "k-1"), Resident, CancellationToken.None);

        Assert.Equal(ErrorCodes.VerificationRequired, replay.Error?.Code);
        Assert.Null(replay.Value);
    }
}
