using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
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
    HomeVisits.Planning.HomeVisitDecisions visits, HomeVisits.Requests.IHomeVisitStore homeVisits, HomeVisits.Planning.IPlanRunStore plans, ShortLinks links, IClock clock)
{
    /// <summary>The category ratings of home visits are counted under in the summary.</summary>
    public const string HomeVisitCategory = "home-visit";

    /// <summary>A rating reply for something rated before.</summary>
    private const string AlreadyRated = "already-rated";

    /// <param name="defaultCentreId">
    /// The centre that answers a number with no conversation (HELP, STOP, an unknown number); a reply within a
    /// conversation is for the centre that started it, whichever centre of the deployment that is.
    /// </param>
    public async Task<InboundOutcome> HandleAsync(string defaultCentreId, InboundSms message, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (!await contacts.ClaimInboundAsync(message.MessageSid, now, cancellationToken)) return new("repeat", null);
        var from = phones.NormalizeMobile(message.From, out _);
        if (from is null) return new("unknown-sender", null, "The sender is not a mobile number.");
        var (word, digit, rest) = Parse(message.Body);
        var conversation = await contacts.GetConversationAsync(from, cancellationToken);
        var centreId = conversation?.CentreId ?? defaultCentreId;
        var centre = await centres.GetAsync(centreId, cancellationToken) ?? throw new InvalidDataException($"Centre '{centreId}' is not known.");
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

        if (conversation is null)
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
        if (conversation.Subject.StartsWith("home-visit/", StringComparison.Ordinal))
            return await VisitReplyAsync(centre, conversation, command, rest, from, caller, Reply, cancellationToken);
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
                return await OfferAsync(centre, conversation, Basis.Of(a), mode, from, command, Reply, cancellationToken);
        }
        await Reply(SmsKinds.ReplyHelp);
        return new("not-understood", SmsKinds.ReplyHelp);
    }

    private async Task<InboundOutcome> ChooseAsync(CentreSnapshot centre, Conversation conversation, SlotChoice choice, string from, Caller caller, string sid,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        var lang = conversation.Language;
        var a = await BasisAsync(centre.Profile.Centre.Id, conversation.Subject, cancellationToken);
        if (a is null) return await NotPossibleAsync((k, v, c) => reply(k, v, c), lang, ErrorCodes.UnknownAppointment, "No such appointment.", "choice");
        Problem? refused;
        if (conversation.Mode == ChoiceMode.Move)
            refused = a.AppointmentId is null
                ? Problem.Invalid("choice", ErrorCodes.UnknownAppointment, "Only an appointment can be moved.")
                : (await reschedule.RescheduleAsync(centre.Profile.Centre.Id, a.AppointmentId, choice.Date, choice.Start, caller, cancellationToken)).Error;
        else
        {
            var booked = await book.BookAsync(centre.Profile.Centre.Id, new BookCommand(a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null, choice.Date, choice.Start,
                a.Name, from, a.Priority, null, a.Language, $"sms-{sid}"), caller, cancellationToken);
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
        await reply(kind, ChoiceValues(centre, a, choices, lang), next);
        await contacts.SaveConversationAsync(from, next, cancellationToken);
        return new("choice-taken", kind, ErrorCodes.SlotFull);
    }

    private async Task<InboundOutcome> RateAsync(CentreSnapshot centre, Conversation conversation, string subject, int score, string? reason,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        // A rating is recorded against what was rated: an appointment (its window category and item) or a home visit
        // (category "home-visit" and the visit's item).
        string category, item;
        if (subject.StartsWith("appointment/", StringComparison.Ordinal))
        {
            var a = (await store.GetAsync(centre.Profile.Centre.Id, subject["appointment/".Length..], cancellationToken))?.Appointment;
            if (a is null) return await NotPossibleAsync((k, v, c) => reply(k, v, c), conversation.Language, ErrorCodes.UnknownAppointment, "No such appointment.", "rating");
            (category, item) = (a.CategoryId, a.BookableId);
        }
        else
        {
            var r = (await homeVisits.GetAsync(centre.Profile.Centre.Id, subject["home-visit/".Length..], cancellationToken))?.Request;
            if (r is null) return await NotPossibleAsync((k, v, c) => reply(k, v, c), conversation.Language, ErrorCodes.UnknownRequest, "No such home visit.", "rating");
            (category, item) = (HomeVisitCategory, r.ItemId);
        }
        var result = await ratings.RecordAsync(new Rating(centre.Profile.Centre.Id, subject, category, item, score,
            string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(200, reason.Trim().Length)], "sms", clock.GetCurrentInstant()), cancellationToken);
        // Rated before (by reply or on the rating page): said as such, not as the booking's "duplicate".
        if (result.Error is { } refused)
            return await NotPossibleAsync((k, v, c) => reply(k, v, c), conversation.Language, refused.Code,
                refused.Code == ErrorCodes.Duplicate ? "it has been rated already, thank you" : refused.Message, "rating",
                refused.Code == ErrorCodes.Duplicate ? AlreadyRated : null);
        await reply(SmsKinds.RatingThanks, new Dictionary<string, string?> { ["rating"] = score.ToString(CultureInfo.InvariantCulture) }, null);
        return new("rating", SmsKinds.RatingThanks);
    }

    /// <summary>What numbered choices are offered for and booked as: the last appointment, or the service of a home-visit request.</summary>
    private sealed record Basis(string? AppointmentId, string BookableId, bool IsBundle, string CategoryId, LocalDate Date, LocalTime Start, LocalTime End,
        PriorityReason? Priority, string Name, string Language)
    {
        public bool Green => Priority is not null;

        public static Basis Of(Appointment a) => new(a.Id, a.BookableId, a.IsBundle, a.CategoryId, a.Date, a.Start, a.End, a.Priority, a.ResidentName, a.Language);
    }

    private async Task<Basis?> BasisAsync(string centreId, string subject, CancellationToken cancellationToken)
    {
        if (subject.StartsWith("appointment/", StringComparison.Ordinal))
            return (await store.GetAsync(centreId, subject["appointment/".Length..], cancellationToken))?.Appointment is { } a ? Basis.Of(a) : null;
        if ((await homeVisits.GetAsync(centreId, subject["home-visit/".Length..], cancellationToken))?.Request is not { } r) return null;
        var centre = await centres.GetAsync(centreId, cancellationToken);
        var item = centre?.Profile.Items.FirstOrDefault(i => i.Id == r.ItemId);
        if (item is null) return null;
        // Window times for the visit's service, looked for from the next working morning.
        return new Basis(null, item.Id, false, item.CategoryId, r.Windows.Count > 0 ? r.Windows.Min(w => w.Date) : LocalDate.MinIsoValue, new LocalTime(9, 0),
            new LocalTime(9, 0).PlusMinutes(item.Minutes), null, r.ResidentName, r.Language);
    }

    private async Task<InboundOutcome> OfferAsync(CentreSnapshot centre, Conversation conversation, Basis basis, ChoiceMode mode, string from, string command,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var lang = conversation.Language;
        var choices = await ChoicesAsync(centre, basis, now, cancellationToken);
        if (choices.Count == 0) return await NotPossibleAsync(reply, lang, ErrorCodes.SlotFull, "No free time in the coming week.", command);
        var next = conversation with { Mode = mode, Choices = choices, ChoicesUntil = now + notifier.Settings.ChoicesFor, At = now };
        var kind = mode == ChoiceMode.Move ? SmsKinds.ReplyChoices : SmsKinds.ReplyBookChoices;
        await reply(kind, ChoiceValues(centre, basis, choices, lang), next);
        await contacts.SaveConversationAsync(from, next, cancellationToken);
        return new(command.ToLowerInvariant(), kind);
    }

    private Dictionary<string, string?> ChoiceValues(CentreSnapshot centre, Basis a, IReadOnlyList<SlotChoice> choices, string lang) => new()
    {
        ["choices"] = SmsFormat.Choices(choices, lang),
        ["link"] = a.AppointmentId is null ? null : links.Appointment(centre.Profile.Centre.Id, a.AppointmentId),
        ["service"] = ServiceName(centre, a, lang),
    };

    private async Task<IReadOnlyList<SlotChoice>> ChoicesAsync(CentreSnapshot centre, Basis a, Instant now, CancellationToken cancellationToken)
    {
        var bookable = Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null);
        if (bookable is null) return [];
        var today = centre.Calendar.Today(now);
        var around = a.Date >= today && centre.Calendar.ToInstant(a.Date + a.Start) > now ? a.Date : today.PlusDays(1);
        var offers = await availability.NearestAsync(centre, bookable, new Slot(a.CategoryId, around, a.Start, a.End, 1, SlotKind.Regular), a.Green, cancellationToken);
        return offers.Select((o, i) => new SlotChoice(i + 1, o.Date, o.Start)).ToList();
    }

    /// <summary>
    /// A reply about a home-visit request: 2 cancels it (its cancellation message follows from the decision); 1
    /// acknowledges an approved visit with its planned time; 3 asks the dispatchers to move it (a follow-up due the
    /// next working day; the resident is told so, and the new time comes by SMS once a plan is published again);
    /// BOOK offers window times for the same service.
    /// </summary>
    private async Task<InboundOutcome> VisitReplyAsync(CentreSnapshot centre, Conversation conversation, string? command, string? rest, string from, Caller caller,
        Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, CancellationToken cancellationToken)
    {
        var centreId = centre.Profile.Centre.Id;
        var lang = conversation.Language;
        var requestId = conversation.Subject["home-visit/".Length..];
        if (command == "CANCEL")
        {
            var cancelled = await visits.CancelAsync(centreId, requestId, "cancelled by the resident's SMS reply", caller, cancellationToken);
            if (cancelled.Error is { } refused) return await NotPossibleAsync(reply, lang, refused.Code, refused.Message, command);
            return new("cancel-visit", null);
        }
        if (command == "BOOK")
        {
            var basis = await BasisAsync(centreId, conversation.Subject, cancellationToken);
            if (basis is null) return await NotPossibleAsync(reply, lang, ErrorCodes.ServiceWithdrawn, "The service cannot be booked at a window.", command);
            return await OfferAsync(centre, conversation, basis, ChoiceMode.Book, from, command, reply, cancellationToken);
        }
        if (command is not ("CONFIRM" or "CHANGE"))
        {
            await reply(SmsKinds.ReplyHelp, null, null);
            return new("not-understood", SmsKinds.ReplyHelp);
        }
        var request = (await homeVisits.GetAsync(centreId, requestId, cancellationToken))?.Request;
        if (request is null) return await NotPossibleAsync(reply, lang, ErrorCodes.UnknownRequest, "No such home-visit request.", command);
        if (request.Status != HomeVisits.Requests.HomeVisitStatus.Approved)
            return await NotPossibleAsync(reply, lang, ErrorCodes.NotApproved, "The request is not approved.", command);
        var values = new Dictionary<string, string?> { ["name"] = request.ResidentName };
        if (command == "CONFIRM")
        {
            var at = await PlannedTimeAsync(centre, request, cancellationToken);
            values["time"] = at is { } t ? SmsFormat.When(t.Date, t.TimeOfDay, lang) : SmsFormat.IsEnglish(lang) ? "to be sent by SMS" : "待定，将短信通知";
            await reply(SmsKinds.ReplyVisitConfirmed, values, null);
            return new("confirm-visit", SmsKinds.ReplyVisitConfirmed);
        }
        var opened = await ratings.RequestVisitChangeAsync(centreId, conversation.Subject, rest, clock.GetCurrentInstant(), cancellationToken);
        var due = (opened.Due - Duration.FromSeconds(1)).InZone(centre.Calendar.Zone).Date;
        values["deadline"] = SmsFormat.Day(due, lang);
        await reply(SmsKinds.ReplyVisitChangeRequested, values, null);
        return new("change-visit", SmsKinds.ReplyVisitChangeRequested);
    }

    /// <summary>When the visit is planned in a published plan of one of its days still to come, if it is.</summary>
    private async Task<LocalDateTime?> PlannedTimeAsync(CentreSnapshot centre, HomeVisits.Requests.HomeVisitRequest request, CancellationToken cancellationToken)
    {
        var today = centre.Calendar.Today(clock.GetCurrentInstant());
        foreach (var date in request.Windows.Select(w => w.Date).Where(d => d >= today).Distinct().Order())
            if ((await plans.PublishedAsync(centre.Profile.Centre.Id, date, cancellationToken))?.Run.Plan is { } plan
                && plan.Routes.SelectMany(r => r.Stops).Where(s => s.VisitId == request.Id).Select(s => (LocalTime?)s.Start).Min() is { } start)
                return date + start;
        return null;
    }

    private static async Task<InboundOutcome> NotPossibleAsync(Func<string, Dictionary<string, string?>?, Conversation?, Task<OutboxResult>> reply, string lang,
        string code, string? message, string understood, string? reasonCode = null)
    {
        await reply(SmsKinds.ReplyNotPossible, new Dictionary<string, string?> { ["reason"] = Reason(reasonCode ?? code, message, lang) }, null);
        return new(understood, SmsKinds.ReplyNotPossible, code);
    }

    private static string ServiceName(CentreSnapshot centre, Basis a, string lang) =>
        Bookable.Find(centre.Profile, a.IsBundle ? null : a.BookableId, a.IsBundle ? a.BookableId : null)?.Name.For(lang) ?? a.BookableId;

    /// <summary>Why, in the resident's words.</summary>
    public static string Reason(string code, string? message, string lang)
    {
        if (SmsFormat.IsEnglish(lang)) return code == "already-cancelled" ? "the appointment is already cancelled" : (message ?? code).TrimEnd('.');
        return code switch
        {
            "already-cancelled" => "该预约已取消",
            AlreadyRated => "已经评价过了，谢谢",
            ErrorCodes.NotAwaitingConfirmation => "该预约无需确认",
            ErrorCodes.ConfirmationTooLate => "确认时间已过，请重新预约",
            ErrorCodes.NotActive => "该预约已取消或已结束",
            ErrorCodes.AlreadyStarted => "预约时间已到，无法更改",
            ErrorCodes.SlotFull => "所选时间已约满",
            ErrorCodes.Duplicate => "当天已有同一事项的预约",
            ErrorCodes.TooManyActive => "此号码的预约已达上限",
            ErrorCodes.ServiceWithdrawn => "该事项已停止预约",
            ErrorCodes.NotApproved => "上门申请尚未通过，暂不能确认或改期",
            ErrorCodes.UnknownRequest => "未找到该上门申请",
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
        // A command word followed by a reason ("改期 周一不在家", "CHANGE not home on Monday").
        var lead = Regex.Match(text, @"^(确认|取消|改期|预约|CONFIRM|CANCEL|CHANGE|BOOK)(?:[\s,，.。:：-]+|(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff]))(.+)$", RegexOptions.IgnoreCase);
        if (lead.Success && Parse(lead.Groups[1].Value).Word is { } leading)
            return (leading, null, lead.Groups[2].Value.Trim());
        var digits = new string(text.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length is 0 or > 2 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (null, null, null);
        var rest = text[digits.Length..].TrimStart(' ', ',', '，', '.', '。', ':', '：', '-');
        return (null, n, rest.Length == 0 ? null : rest);
    }
}
