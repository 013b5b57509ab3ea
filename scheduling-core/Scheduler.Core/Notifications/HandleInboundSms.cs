using System.Globalization;
using System.Text;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.Calendar;
using Scheduler.Core.Identity;
using Scheduler.Core.Privacy;
using Scheduler.Core.Results;

namespace Scheduler.Core.Notifications;

/// <summary>A reply from a resident's phone, as the SMS provider delivered it.</summary>
public sealed record InboundSms(string MessageSid, string From, string Body);

/// <summary>What a reply was understood as, and what came of it (for the log and tests).</summary>
public sealed record InboundOutcome(string Understood, string? Reply, string? Problem = null);

/// <summary>
/// Two-way SMS for residents with any phone. A reply is about what the number was last messaged about: 1/确认/CONFIRM
/// confirms, 2/取消/CANCEL cancels, 3/改期/CHANGE offers the three nearest free times as numbered choices (reply the
/// number to move), 预约/BOOK offers times for the last service (reply the number to book), 帮助/HELP, 退订/STOP and
/// START; about a home-visit request, 2/取消/CANCEL cancels it. Numbered choices last 30 minutes; a 1-5 after a rating request is a rating. Anything else, and any reply
/// from a number the centre never wrote to, gets a short help text. A message delivered twice is handled once.
/// Changes are made by the booking use cases; the messages they cause (cancelled, moved, booked) follow from their
/// events, so a reply answers here only when nothing else will.
/// </summary>
public sealed class HandleInboundSms(
    ISmsContacts contacts, SmsNotifier notifier, ICentreDirectory centres, IAppointmentStore store, IPhoneNumbers phones, Pseudonyms pseudonyms,
    ChangeAppointmentStatus status, RescheduleAppointment reschedule, BookAppointment book, AvailabilityQuery availability, Ratings ratings,
    HomeVisits.Planning.HomeVisitDecisions visits, ShortLinks links, IClock clock)
{
    public async Task<InboundOutcome> HandleAsync(string centreId, InboundSms message, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (!await contacts.ClaimInboundAsync(message.MessageSid, now, cancellationToken)) return new("repeat", null);
        var from = phones.NormalizeMobile(message.From, out _);
        if (from is null) return new("unknown-sender", null, "The sender is not a mobile number.");
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
        var (word, digit, rest) = Parse(message.Body);
        var conversation = await contacts.GetConversationAsync(from, cancellationToken);
        var lang = conversation?.Language ?? (message.Body.Any(c => c is >= 'A' and <= 'z') ? "en" : "zh");
        var caller = new SmsReplyCaller(pseudonyms.Mobile(from));
        var key = $"reply|{message.MessageSid}";

        Task<OutboxResult> Reply(string kind, Dictionary<string, string?>? values = null, Conversation? next = null) =>
            notifier.SendAsync(centre, $"{key}|{kind}", from, kind, lang, values ?? [], next, cancellationToken);

        switch (word)
        {
            case "STOP":
                await contacts.SetOptedOutAsync(from, true, now, cancellationToken);
                await Reply(SmsKinds.ReplyOptedOut);
                return new("stop", SmsKinds.ReplyOptedOut);
            case "START":
                await contacts.SetOptedOutAsync(from, false, now, cancellationToken);
                await Reply(SmsKinds.ReplyOptedIn);
                return new("start", SmsKinds.ReplyOptedIn);
            case "HELP":
                await Reply(SmsKinds.ReplyHelp);
                return new("help", SmsKinds.ReplyHelp);
        }

        if (conversation is null || conversation.CentreId != centreId)
        {
            await Reply(SmsKinds.ReplyHelp);
            return new("unknown-number", SmsKinds.ReplyHelp);
        }

        // A rating, when one was asked for and no choices are waiting for a number.
        var choicesOpen = conversation.Mode != ChoiceMode.None && conversation.Choices.Count > 0;
        if (digit is >= 1 and <= 5 && word is null && conversation.RatingOf is { } rated && conversation.RatingUntil > now && !(choicesOpen && now <= conversation.ChoicesUntil))
            return await RateAsync(centre, conversation, rated, digit.Value, rest, Reply, cancellationToken);

        if (digit is { } n && word is null && choicesOpen)
        {
            if (now > conversation.ChoicesUntil)
            {
                await Reply(SmsKinds.ReplyChoicesExpired);
                return new("choice-expired", SmsKinds.ReplyChoicesExpired);
            }
            if (conversation.Choices.FirstOrDefault(c => c.Number == n) is { } choice)
                return await ChooseAsync(centre, conversation, choice, from, caller, message.MessageSid, Reply, cancellationToken);
        }

        var command = word ?? digit switch { 1 => "CONFIRM", 2 => "CANCEL", 3 => "CHANGE", _ => null };
        if (command == "CANCEL" && conversation.Subject.StartsWith("home-visit/", StringComparison.Ordinal))
        {
            // A home visit is cancelled by reply too; its cancellation message follows from the decision.
            var cancelled = await visits.CancelAsync(centreId, conversation.Subject["home-visit/".Length..], "cancelled by the resident's SMS reply", caller, cancellationToken);
            if (cancelled.Error is { } refused) return await NotPossibleAsync(Reply, lang, refused.Code, refused.Message, command);
            return new("cancel-visit", null);
        }
        var appointmentId = conversation.Subject.StartsWith("appointment/", StringComparison.Ordinal) ? conversation.Subject["appointment/".Length..] : null;
        if (command is null || appointmentId is null)
        {
            await Reply(SmsKinds.ReplyHelp);
            return new("not-understood", SmsKinds.ReplyHelp);
        }
        var stored = await store.GetAsync(centreId, appointmentId, cancellationToken);
        if (stored is null)
        {
            await Reply(SmsKinds.ReplyHelp);
            return new("unknown-appointment", SmsKinds.ReplyHelp);
        }
        var a = stored.Appointment;
        switch (command)
        {
            case "CONFIRM":
            case "CANCEL":
                var action = command == "CONFIRM" ? AppointmentAction.Confirm : AppointmentAction.Cancel;
                if (a.Status == action.Target()) return await NotPossibleAsync(Reply, lang, action == AppointmentAction.Cancel ? "already-cancelled" : ErrorCodes.NotAwaitingConfirmation, null, command);
                var applied = await status.ApplyAsync(centreId, a.Id, action, caller, cancellationToken);
                if (applied.Error is { } refused) return await NotPossibleAsync(Reply, lang, refused.Code, refused.Message, command);
                return new(command.ToLowerInvariant(), null);
            case "CHANGE":
            case "BOOK":
                var mode = command == "CHANGE" ? ChoiceMode.Move : ChoiceMode.Book;
                if (mode == ChoiceMode.Move && a.ChangeableAt(now, centre.Calendar) is { } notChangeable)
                    return await NotPossibleAsync(Reply, lang, notChangeable.Code, notChangeable.Message, command);
                var choices = await ChoicesAsync(centre, a, now, cancellationToken);
                if (choices.Count == 0) return await NotPossibleAsync(Reply, lang, ErrorCodes.SlotFull, "No free time in the coming week.", command);
                var next = conversation with { Mode = mode, Choices = choices, ChoicesUntil = now + notifier.Settings.ChoicesFor, At = now };
                var values = new Dictionary<string, string?>
                {
                    ["choices"] = SmsFormat.Choices(choices, lang),
                    ["link"] = links.Appointment(a.Id),
                    ["service"] = ServiceName(centre, a, lang),
                };
                var kind = mode == ChoiceMode.Move ? SmsKinds.ReplyChoices : SmsKinds.ReplyBookChoices;
                await Reply(kind, values, next);
                await contacts.SaveConversationAsync(from, next, cancellationToken);
                return new(command.ToLowerInvariant(), kind);
        }
        await Reply(SmsKinds.ReplyHelp);
        return new("not-understood", SmsKinds.ReplyHelp);
    }

    private async Task<InboundOutcome> ChooseAsync(CentreSnapshot centre, Conversation conversation, SlotChoice choice, string from, Caller caller, string sid,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        var lang = conversation.Language;
        var id = conversation.Subject["appointment/".Length..];
        var stored = await store.GetAsync(centre.Profile.Centre.Id, id, cancellationToken);
        if (stored is null) return await NotPossibleAsync((k, v, c) => reply(k, v, c), lang, ErrorCodes.UnknownAppointment, "No such appointment.", "choice");
        var a = stored.Appointment;
        Problem? refused;
        if (conversation.Mode == ChoiceMode.Move)
            refused = (await reschedule.RescheduleAsync(centre.Profile.Centre.Id, a.Id, choice.Date, choice.Start, caller, cancellationToken)).Error;
        else
        {
            var booked = await book.BookAsync(centre.Profile.Centre.Id, new BookCommand(a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null, choice.Date, choice.Start,
                a.ResidentName, from, a.Priority, null, a.Language, $"sms-{sid}"), caller, cancellationToken);
            refused = booked.Error;
            if (refused is null)
                await contacts.SaveConversationAsync(from, conversation with { Subject = ManageLinks.Subject(booked.Value!.Appointment.Id), Mode = ChoiceMode.None, Choices = [] },
                    cancellationToken);
        }
        if (refused is null)
        {
            if (conversation.Mode == ChoiceMode.Move) await contacts.SaveConversationAsync(from, conversation with { Mode = ChoiceMode.None, Choices = [] }, cancellationToken);
            return new(conversation.Mode == ChoiceMode.Move ? "move" : "book", null);
        }
        if (refused.Code != ErrorCodes.SlotFull) return await NotPossibleAsync((k, v, c) => reply(k, v, c), lang, refused.Code, refused.Message, "choice");
        // The time was taken meanwhile: offer fresh choices.
        var now = clock.GetCurrentInstant();
        var choices = await ChoicesAsync(centre, a, now, cancellationToken);
        var next = conversation with { Choices = choices, ChoicesUntil = now + notifier.Settings.ChoicesFor, At = now };
        var kind = conversation.Mode == ChoiceMode.Move ? SmsKinds.ReplyChoices : SmsKinds.ReplyBookChoices;
        if (choices.Count == 0) return await NotPossibleAsync((k, v, c) => reply(k, v, c), lang, ErrorCodes.SlotFull, "No free time in the coming week.", "choice");
        await reply(kind, new Dictionary<string, string?>
        {
            ["choices"] = SmsFormat.Choices(choices, lang), ["link"] = links.Appointment(a.Id), ["service"] = ServiceName(centre, a, lang),
        }, next);
        await contacts.SaveConversationAsync(from, next, cancellationToken);
        return new("choice-taken", kind, ErrorCodes.SlotFull);
    }

    private async Task<InboundOutcome> RateAsync(CentreSnapshot centre, Conversation conversation, string subject, int score, string? reason,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        var id = subject.StartsWith("appointment/", StringComparison.Ordinal) ? subject["appointment/".Length..] : subject;
        var a = (await store.GetAsync(centre.Profile.Centre.Id, id, cancellationToken))?.Appointment;
        var result = await ratings.RecordAsync(new Rating(centre.Profile.Centre.Id, subject, a?.CategoryId ?? "home-visit", a?.BookableId ?? "home-visit", score,
            string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(200, reason.Trim().Length)], "sms", clock.GetCurrentInstant()), cancellationToken);
        if (result.Error is { } refused) return await NotPossibleAsync((k, v, c) => reply(k, v, c), conversation.Language, refused.Code, refused.Message, "rating");
        await reply(SmsKinds.RatingThanks, new Dictionary<string, string?> { ["rating"] = score.ToString(CultureInfo.InvariantCulture) }, null);
        return new("rating", SmsKinds.RatingThanks);
    }

    private async Task<IReadOnlyList<SlotChoice>> ChoicesAsync(CentreSnapshot centre, Appointment a, Instant now, CancellationToken cancellationToken)
    {
        var bookable = Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null);
        if (bookable is null) return [];
        var today = centre.Calendar.Today(now);
        var around = a.Date >= today && centre.Calendar.ToInstant(a.Date + a.Start) > now ? a.Date : today.PlusDays(1);
        var offers = await availability.NearestAsync(centre, bookable, new Slot(a.CategoryId, around, a.Start, a.End, 1, SlotKind.Regular), a.Green, cancellationToken);
        return offers.Select((o, i) => new SlotChoice(i + 1, o.Date, o.Start)).ToList();
    }

    private static async Task<InboundOutcome> NotPossibleAsync(Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, string lang,
        string code, string? message, string understood)
    {
        await reply(SmsKinds.ReplyNotPossible, new Dictionary<string, string?> { ["reason"] = Reason(code, message, lang) }, null);
        return new(understood, SmsKinds.ReplyNotPossible, code);
    }

    private static string ServiceName(CentreSnapshot centre, Appointment a, string lang) =>
        Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null)?.Name.For(lang) ?? a.BookableId;

    /// <summary>Why, in the resident's words.</summary>
    public static string Reason(string code, string? message, string lang)
    {
        if (SmsFormat.IsEnglish(lang)) return code == "already-cancelled" ? "the appointment is already cancelled" : (message ?? code).TrimEnd('.');
        return code switch
        {
            "already-cancelled" => "该预约已取消",
            ErrorCodes.NotAwaitingConfirmation => "该预约无需确认",
            ErrorCodes.ConfirmationTooLate => "确认时间已过，请重新预约",
            ErrorCodes.NotActive => "该预约已取消或已结束",
            ErrorCodes.AlreadyStarted => "预约时间已到，无法更改",
            ErrorCodes.SlotFull => "所选时间已约满",
            ErrorCodes.Duplicate => "当天已有同一事项的预约",
            ErrorCodes.TooManyActive => "此号码的预约已达上限",
            ErrorCodes.ServiceWithdrawn => "该事项已停止预约",
            _ => "暂时无法办理，请稍后再试",
        };
    }

    /// <summary>The command word (STOP, START, HELP, CONFIRM, CANCEL, CHANGE, BOOK), a leading number, and what follows it.</summary>
    public static (string? Word, int? Digit, string? Remainder) Parse(string? body)
    {
        var text = (body ?? "").Normalize(NormalizationForm.FormKC).Trim();
        var upper = text.ToUpperInvariant();
        string? word = upper switch
        {
            "STOP" or "STOPALL" or "UNSUBSCRIBE" or "END" or "QUIT" or "CANCEL ALL" or "退订" or "TD" or "T" => "STOP",
            "START" or "UNSTOP" or "YES" or "恢复" => "START",
            "HELP" or "INFO" or "帮助" or "?" or "？" => "HELP",
            "CONFIRM" or "确认" => "CONFIRM",
            "CANCEL" or "取消" => "CANCEL",
            "CHANGE" or "改期" => "CHANGE",
            "BOOK" or "预约" => "BOOK",
            _ => null,
        };
        if (word is not null) return (word, null, null);
        var digits = new string(text.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length is 0 or > 2 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (null, null, null);
        var rest = text[digits.Length..].TrimStart(' ', ',', '，', '.', '。', ':', '：', '-');
        return (null, n, rest.Length == 0 ? null : rest);
    }
}
