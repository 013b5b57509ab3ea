using Azure.Core;
using Azure.Core.Serialization;
using Azure.Identity;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Scheduler.Core.Auditing;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits;
using Scheduler.Core.HomeVisits.Planning;
using Scheduler.Core.HomeVisits.Requests;
using Scheduler.Core.Identity;
using Scheduler.Core.Notifications;
using Scheduler.Core.Operations;
using Scheduler.Core.Privacy;
using Scheduler.Core.Roster;

namespace Scheduler.Functions.Platform;

/// <summary>
/// The composition root of the app, shared by the Functions host (<c>Program.cs</c>) and the local dev host, so both
/// run the same services. A caller may register its own <see cref="IClock"/> first (tests use a fake clock).
/// </summary>
public static class ServiceRegistration
{
    private static void AddNotifications(IServiceCollection services)
    {
        services.AddSingleton(sp => new TableSmsOutbox(sp.GetRequiredService<StorageClients>(), () => sp.GetRequiredService<Pseudonyms>()));
        services.AddSingleton<ISmsOutbox>(sp => sp.GetRequiredService<TableSmsOutbox>());
        services.AddSingleton<ISmsStore>(sp => sp.GetRequiredService<TableSmsOutbox>());
        services.AddSingleton<ISmsSendQueue>(sp => sp.GetRequiredService<TableSmsOutbox>());
        services.AddSingleton<ISmsContacts>(sp => sp.GetRequiredService<TableSmsOutbox>());
        services.AddSingleton<IRatingStore, TableRatingStore>();
        services.TryAddSingleton(SmsRetryPolicy.Default);
        // The outbox is the phone only on a local run with the local provider (GET /api/local/sms reads it): everywhere else a
        // verification code's text is removed once sent.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SmsOptions>>().Value.UsesLocal && sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.IsLocal
            ? SmsTextRetention.KeepAll : SmsTextRetention.RedactCodes);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value.ToSettings());
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SchedulerOptions>>().Value;
            return new ShortLinks(o.DerivedKey("short-links"), o.PublicBaseUrl, o.CentreId);
        });
        services.AddSingleton<ISmsProvider>(sp =>
        {
            if (!sp.GetRequiredService<IOptions<SmsOptions>>().Value.UsesTwilio) return new LocalSmsProvider();
            var twilio = sp.GetRequiredService<IOptions<TwilioOptions>>();
            var t = twilio.Value;
            if (t.UsesLocalToken)
                return new UnavailableSmsProvider(new SettingUnavailableException($"{TwilioOptions.Section}:{nameof(TwilioOptions.AuthToken)}",
                    "the local development token is refused with Sms:Provider 'twilio'"));
            var http = new HttpClient(string.IsNullOrWhiteSpace(t.ApiBaseUrl) ? new SocketsHttpHandler() : new TwilioBaseAddressHandler(new Uri(t.ApiBaseUrl)))
            {
                Timeout = TimeSpan.FromSeconds(Math.Clamp(t.TimeoutSeconds, 1, 120)),
            };
            var client = new Twilio.Clients.TwilioRestClient(t.AccountSid, t.AuthToken, httpClient: new Twilio.Http.SystemNetHttpClient(http));
            return new TwilioSmsGateway(client, twilio, sp.GetRequiredService<IOptions<SchedulerOptions>>());
        });
        services.AddSingleton<TwilioSignature>();
        services.AddSingleton<SmsNotifier>();
        services.AddSingleton<NotifyAppointmentEvent>();
        services.AddSingleton<HomeVisitNotifications>();
        services.AddSingleton<VisitRatings>();
        services.AddSingleton<DeliverSms>();
        services.AddSingleton<RecordSmsStatus>();
        services.AddSingleton<Ratings>(sp => new Ratings(sp.GetRequiredService<IRatingStore>(), sp.GetRequiredService<ICentreDirectory>(), sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<IOptions<NotificationOptions>>().Value.FollowUpWorkingDays));
        services.AddSingleton<HandleInboundSms>();
        services.AddSingleton<IStaffFeeds, TableStaffFeeds>();
        services.AddSingleton<StaffDays>();
        services.AddSingleton<SendDayBeforeReminders>();
        services.AddSingleton<SendVisitRatingRequests>();
        services.AddSingleton<IDailyBatches, TableDailyBatches>();
        services.AddSingleton<ScheduledBatches>();
        services.AddSingleton(sp => new SendStaffDaySchedules(sp.GetRequiredService<ICentreDirectory>(), sp.GetRequiredService<StaffDays>(), sp.GetRequiredService<IStaffFeeds>(),
            sp.GetRequiredService<SmsNotifier>(), sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.PublicBaseUrl, sp.GetRequiredService<IClock>()));
    }

    private static void AddRoster(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RosterOptions>().Bind(configuration.GetSection(RosterOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TableRosterStore>();
        services.AddSingleton<IRosterStore>(sp => sp.GetRequiredService<TableRosterStore>());
        services.AddSingleton<Scheduler.Core.Calendar.IStaffedWindowsSource>(sp => sp.GetRequiredService<TableRosterStore>());
        services.AddSingleton<IAcceptedSessions, TableAcceptedSessions>();
        services.AddSingleton<IPlanRunsInProgress>(sp => sp.GetRequiredService<TablePlanRunStore>());
        services.AddSingleton<IBookedDemandSource, AppointmentBookedDemand>();
        services.AddSingleton<HallRecords>();
        services.AddSingleton<WaitingTimes>();
        services.AddSingleton<Scheduler.Core.Operations.CitySummary>();
        services.AddSingleton<IHallHistory>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RosterOptions>>().Value;
            return new RecordedHallHistory(sp.GetRequiredService<HallRecords>(), sp.GetRequiredService<ICentreDirectory>(), new GeneratedHallHistory(o.HistorySeed),
                new RecordedHistorySettings(o.RecordedHistoryDays, o.RecordedHistoryMinDays));
        });
        services.AddSingleton<IRosterSolver, Scheduler.Optimization.Roster.CpSatRosterSolver>();
        services.AddSingleton<IRosterEvaluator, Scheduler.Optimization.Roster.SimulatedRosterEvaluator>();
        services.AddSingleton<PlanRoster>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RosterOptions>>().Value;
            return new RosterPlanningSettings(15, RosterRules.Default, new RosterWeights(),
                new RosterSolverOptions(o.TimeLimitSeconds, o.Workers, o.RelativeGap), o.SimulationSeed);
        });
        services.AddSingleton<RosterPlanning>();
        services.AddSingleton<IExtendedHoursLedger>(sp => sp.GetRequiredService<TableExtendedHoursRequests>());
        services.AddSingleton<IBookableSessions, CatalogueBookableSessions>();
        services.AddSingleton(sp => new SessionSettings(sp.GetRequiredService<IOptions<RosterOptions>>().Value.SessionThreshold));
        services.AddSingleton<SessionDecisions>();
        services.AddSingleton<IWindowCalls, TableWindowCalls>();
        services.AddSingleton<CallToWindow>();
    }

    public static IServiceCollection AddScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>()
            .Bind(configuration.GetSection(SchedulerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>>(new SampleSecretsValidator(configuration));
        // SMS settings are not validated at start: a missing Twilio secret shows in GET /api/health instead.
        services.AddOptions<SmsOptions>().Bind(configuration.GetSection(SmsOptions.Section));
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section));
        services.AddMetrics();
        services.TryAddSingleton<SchedulerMetrics>();

        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(DateTimeZoneProviders.Tzdb);
        services.TryAddSingleton<StorageMeter>();
        services.AddSingleton(sp => StorageClients.FromConfiguration(configuration, meter: sp.GetRequiredService<StorageMeter>()));
        services.AddSingleton<IAuditLog, TableAuditLog>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<CatalogueStore>();
        services.AddSingleton(sp => new ResidentTokenService(
            sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.SigningKeyBytes(), sp.GetRequiredService<IClock>()));
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<RoleGate>();
        services.AddSingleton(sp => new ResidentLinkSettings(sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.ResidentLinkHours));
        services.AddSingleton<IssueResidentLink>();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Scheduler.Core.Abuse.IRateCounter, TableRateCounter>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.ToSettings());
        services.AddSingleton<Scheduler.Core.Abuse.RateLimiter>();
        services.AddSingleton<RateGate>();
        services.AddOptions<VerificationOptions>().Bind(configuration.GetSection(VerificationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPhoneVerificationStore, TablePhoneVerifications>();
        services.AddSingleton(sp => new PhoneVerification(sp.GetRequiredService<IPhoneVerificationStore>(), sp.GetRequiredService<ICentreDirectory>(),
            sp.GetRequiredService<IPhoneNumbers>(), sp.GetRequiredService<SmsNotifier>(), sp.GetRequiredService<Pseudonyms>(), sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<IOptions<VerificationOptions>>().Value.ToSettings(), sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.DerivedKey("phone-verification"),
            sp.GetRequiredService<Scheduler.Core.Abuse.RateLimiter>()));
        services.AddHostedService<StartupTasks>();

        services.AddSingleton<AppointmentEventPublisher>();
        services.AddSingleton<IAppointmentEventOutbox>(sp => sp.GetRequiredService<AppointmentEventPublisher>());
        services.AddOptions<AvailabilityOptions>().Bind(configuration.GetSection(AvailabilityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new AvailabilitySummaries(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<IOptions<AvailabilityOptions>>().Value.CacheFor));
        services.AddSingleton<CounterHints>();
        services.AddSingleton<IAppointmentStore, TableAppointmentStore>();
        services.AddSingleton<TableExtendedHoursRequests>();
        services.AddSingleton<IExtendedHoursRequests>(sp => sp.GetRequiredService<TableExtendedHoursRequests>());
        services.AddSingleton<CentreDirectory>();
        services.AddSingleton<ICentreDirectory>(sp => sp.GetRequiredService<CentreDirectory>());
        services.AddSingleton<ICentreList>(sp => sp.GetRequiredService<CentreDirectory>());
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.ToSettings());
        services.AddSingleton<TableAppointmentArchive>();
        services.AddSingleton<IAppointmentArchive>(sp => sp.GetRequiredService<TableAppointmentArchive>());
        services.AddSingleton<ArchivePastAppointments>();
        services.AddSingleton<IPhoneNumbers, LibPhoneNumbers>();
        services.AddSingleton(sp => new Pseudonyms(sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.DerivedKey("pseudonyms")));
        services.AddSingleton<ManageLinks>();
        services.AddSingleton<AvailabilityQuery>();
        services.AddSingleton<BookAppointment>();
        services.AddSingleton<RescheduleAppointment>();
        services.AddSingleton<ChangeAppointmentStatus>();
        services.AddSingleton<RequestExtendedHours>();
        services.AddSingleton<AppointmentQueries>();
        services.AddSingleton<Pages.ServiceDemand>();
        services.AddSingleton<HandleAppointmentEvent>();
        services.AddSingleton<IPoisonLog, TablePoisonLog>();
        services.AddSingleton<PoisonWatch>();

        services.AddOptions<PlanningOptions>().Bind(configuration.GetSection(PlanningOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TableHomeVisitStore>();
        services.AddSingleton<IHomeVisitStore>(sp => sp.GetRequiredService<TableHomeVisitStore>());
        services.AddOptions<DataKeyOptions>().Bind(configuration.GetSection(DataKeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DataKeyOptions>, DataKeyOptionsValidator>();
        // v0: resident IDs written before data keys, under a key derived from the signing key, readable while it is unchanged.
        services.AddSingleton(sp => new DataKeyRing(sp.GetRequiredService<IOptions<DataKeyOptions>>().Value,
            () => sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.DerivedKey("resident-ids")));
        services.AddSingleton<AesGcmIdProtector>();
        services.AddSingleton<IIdProtector>(sp => sp.GetRequiredService<AesGcmIdProtector>());
        services.AddSingleton<IIdReencryption>(sp => sp.GetRequiredService<AesGcmIdProtector>());
        services.AddSingleton<ReencryptResidentIds>();
        AddNotifications(services);
        services.AddOptions<TravelOptions>().Bind(configuration.GetSection(TravelOptions.Section))
            .Validate(o => o.Problem() is null, "Travel settings are invalid (see TravelOptions.Problem)").ValidateOnStart();
        services.AddSingleton(new GreatCircleTravelTimeProvider(new TravelEstimateOptions()));
        services.AddSingleton<ITravelTimeProvider>(sp =>
        {
            var estimate = sp.GetRequiredService<GreatCircleTravelTimeProvider>();
            var travel = sp.GetRequiredService<IOptions<TravelOptions>>().Value;
            if (!travel.UsesAzureMaps) return estimate;
            TokenCredential credential = travel.ManagedIdentityClientId.Length > 0
                    ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(travel.ManagedIdentityClientId))
                    : new DefaultAzureCredential();
            return new AzureMapsTravelTimeProvider(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, travel, credential, estimate,
                sp.GetRequiredService<ILogger<AzureMapsTravelTimeProvider>>());
        });
        services.AddSingleton(HomeVisitShiftRules.Default);
        services.AddSingleton(EligibilityRules.Default);
        services.AddSingleton<HomeVisitService>();
        services.AddSingleton<TablePlanRunStore>();
        services.AddSingleton<IPlanRunStore>(sp => sp.GetRequiredService<TablePlanRunStore>());
        services.AddSingleton<IPlanQueue, QueuePlanQueue>();
        // One plan at a time per two cores (a plan's two searches), however many plan messages the queue hands over.
        services.AddSingleton(Scheduler.Optimization.Planning.SolverSlots.ForMachine(new Scheduler.Optimization.Routing.RoutePlannerOptions().Searches));
        services.AddSingleton<IDayPlanSolver, Scheduler.Optimization.Planning.DayPlanSolver>();
        services.AddSingleton(sp => new PlanningSettings(Duration.FromSeconds(sp.GetRequiredService<IOptions<PlanningOptions>>().Value.TimeLimitSeconds)));
        services.AddSingleton<IJointPlanning>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<PlanningOptions>>().Value;
            return new HallJointPlanning(sp.GetRequiredService<RosterPlanning>(),
                new StaffTimePricingSettings(o.PriceStaffTimeByHall, TypicalRoute: Duration.FromMinutes(o.TypicalRouteMinutes), RosterSeconds: o.PricingRosterSeconds,
                    Rounds: o.JointRounds));
        });
        services.AddSingleton<HomeVisitPlanning>();
        services.AddSingleton<HomeVisitDecisions>();
        services.AddSingleton<IVisitOutcomes, TableVisitOutcomes>();
        services.AddSingleton<RecordVisitOutcome>();
        services.AddSingleton<StaffScheduleQuery>();
        AddRoster(services, configuration);

        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(Json.Options));
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Json.Configure(o.JsonSerializerOptions));
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => Json.Configure(o.SerializerOptions));
        return services;
    }
}
