using NodaTime;
using NodaTime.Testing;
using Scheduler.Core.Booking;
using Scheduler.Core.Catalogue;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;
using Xunit;

namespace Scheduler.Core.Tests.Support;

/// <summary>The booking slices wired to in-memory ports, the clock at <see cref="TestCentre.Now"/>.</summary>
public sealed class BookingWorld
{
    private static int _next = 10_000_000;

    public BookingWorld(CentreProfile? profile = null, FakeClock? clock = null)
    {
        Clock = clock ?? new FakeClock(TestCentre.Now);
        Centre = TestCentre.Snapshot(profile);
        var centres = new OneCentre(Centre);
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        Pseudonyms = new Pseudonyms(key);
        Tokens = new ResidentTokenService(key, Clock);
        Availability = new AvailabilityQuery(Store, centres, Clock);
        Verification = new PhoneVerification(Verifications, centres, new ChineseMobiles(), new SmsNotifier(Sms, Sms, Clock, Scheduler.Core.Notifications.NotificationSettings.Default),
            Pseudonyms, Clock, PhoneVerificationSettings.Default, Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        Book = new BookAppointment(Store, centres, new ChineseMobiles(), Availability, new ManageLinks(Tokens, Clock), Pseudonyms, Verification, Clock);
        Reschedule = new RescheduleAppointment(Store, centres, Availability, Pseudonyms, Clock);
        Status = new ChangeAppointmentStatus(Store, centres, Pseudonyms, Clock);
    }

    public FakeClock Clock { get; }
    public RecordingSms Sms { get; } = new();
    public InMemoryPhoneVerifications Verifications { get; } = new();
    public PhoneVerification Verification { get; }
    public InMemoryAppointmentStore Store { get; } = new();
    public CentreSnapshot Centre { get; }
    public Pseudonyms Pseudonyms { get; }
    public ResidentTokenService Tokens { get; }
    public AvailabilityQuery Availability { get; }
    public BookAppointment Book { get; }
    public RescheduleAppointment Reschedule { get; }
    public ChangeAppointmentStatus Status { get; }

    public static readonly Caller Resident = AnonymousCaller.Instance;
    public static readonly Caller Staff = new StaffCaller("clerk", "Clerk", new HashSet<string> { "staff" });

    /// <summary>A mobile number no other booking in this process uses, as given (no +86).</summary>
    public static string NewMobile() => "139" + Interlocked.Increment(ref _next).ToString("D8");

    public static BookCommand Command(LocalDate date, int hour, int minute, string? mobile = null, string item = TestCentre.Pension, string name = "李芳",
        PriorityReason? priority = null, string? key = null, string? bundle = null) =>
        new(bundle is null ? item : null, bundle, date, new LocalTime(hour, minute), name, mobile ?? NewMobile(), priority, null, null, key);

    /// <summary>
    /// Books as an anonymous resident whose device verified the mobile beforehand (through the real code and proof),
    /// unless the command brings its own code or proof.
    /// </summary>
    public async Task<Outcome<Booked>> BookAsync(BookCommand command)
    {
        if (command.VerificationCode is null && command.MobileProof is null && command.Mobile is { } mobile && new ChineseMobiles().NormalizeMobile(mobile, out _) is { } e164)
            command = command with { MobileProof = await ProofAsync(e164) };
        return await Book.BookAsync(TestCentre.Id, command, Resident, CancellationToken.None);
    }

    private readonly Dictionary<string, string> _proofs = [];

    /// <summary>A device proof for <paramref name="e164"/>, earned as a resident earns it: a code by SMS, read and checked.</summary>
    public async Task<string> ProofAsync(string e164)
    {
        if (_proofs.TryGetValue(e164, out var known)) return known;
        var code = await SendCodeAsync(e164);
        var proof = await Verification.CheckCodeAsync(TestCentre.Id, e164, code, CancellationToken.None);
        Assert.True(proof.Error is null, $"verification refused: {proof.Error}");
        return _proofs[e164] = proof.Value!.Value;
    }

    /// <summary>Asks for a code for <paramref name="mobile"/> and reads it from the SMS that went out.</summary>
    public async Task<string> SendCodeAsync(string mobile)
    {
        var sent = await Verification.SendCodeAsync(TestCentre.Id, mobile, "zh", CancellationToken.None);
        Assert.True(sent.Error is null, $"code refused: {sent.Error}");
        return System.Text.RegularExpressions.Regex.Match(Sms.Sent[^1].Text, "[0-9]{6}").Value;
    }

    /// <summary>Books and fails the test unless it succeeds.</summary>
    public async Task<Appointment> BookedAsync(BookCommand command)
    {
        var outcome = await BookAsync(command);
        Assert.True(outcome.Error is null, $"booking refused: {outcome.Error}");
        return outcome.Value!.Appointment;
    }

    public string MobileKey(string mobile) => Pseudonyms.Mobile("+86" + mobile);

    public Task<Outcome<Appointment>> ApplyAsync(string id, AppointmentAction action, Caller? caller = null) =>
        Status.ApplyAsync(TestCentre.Id, id, action, caller ?? Staff, CancellationToken.None);

    public Task<Outcome<Appointment>> MoveAsync(string id, LocalDate date, int hour, int minute) =>
        Reschedule.RescheduleAsync(TestCentre.Id, id, date, new LocalTime(hour, minute), Resident, CancellationToken.None);

    public SlotUsage Usage(LocalDate date, int hour, int minute, string category = TestCentre.Social) =>
        Store.Usage(category, date, new LocalTime(hour, minute));
}
