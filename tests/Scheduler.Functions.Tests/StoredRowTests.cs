using Azure.Data.Tables;
using NodaTime;
using Scheduler.Core.Booking;
using Scheduler.Core.HomeVisits.Planning;
using Xunit;
using Scheduler.Functions.Appointments;
using Scheduler.Functions.Catalogue;
using Scheduler.Functions.HomeVisits;
using Scheduler.Functions.Platform;

namespace Scheduler.Functions.Tests;

/// <summary>
/// Rows as today's code writes them (kept as fixtures in <c>StoredRows/</c>) stay readable: a renamed or removed
/// property fails here rather than silently losing what residents and dispatchers stored. A change to a stored type
/// adds a schema version with an upgrade step and a fixture of the new version; the old fixtures stay.
/// </summary>
public sealed class StoredRowTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StoredRows", name));

    [Fact]
    public void An_appointment_row_of_schema_1_reads_whole()
    {
        var a = JsonRow.Read(Fixture("appointment.v1.json"), 1, TableAppointmentStore.AppointmentSchema);
        Assert.Equal(("social.0123456789abcdef0123", AppointmentStatus.AwaitingConfirmation, PriorityReason.Elderly), (a.Id, a.Status, a.Priority));
        Assert.Equal((new LocalDate(2026, 12, 1), new LocalTime(9, 0), "+8613900000001"), (a.Date, a.Start, a.Mobile));
        Assert.Equal(("李明", true), (a.Proxy!.Name, a.Proxy.ResidentConsented));
        Assert.Equal(Instant.FromUtc(2026, 11, 27, 13, 0), a.ConfirmBy);
    }

    [Fact]
    public void A_ledger_row_of_schema_1_reads_whole_with_no_downgrades_and_no_claim_waiting()
    {
        var l = JsonRow.Read(Fixture("booker-ledger.v1.json"), 1, TableAppointmentStore.LedgerSchema);
        var entry = Assert.Single(l.Active);
        Assert.Equal(("social.0123456789abcdef0123", false), (entry.AppointmentId, entry.GreenPending));
        Assert.Equal(2, l.NoShows.Count);
        Assert.Empty(l.Downgrades);
    }

    [Fact]
    public void A_ledger_row_of_schema_2_reads_whole_with_its_downgrades_and_waiting_claim()
    {
        var l = JsonRow.Read(Fixture("booker-ledger.v2.json"), 2, TableAppointmentStore.LedgerSchema);
        Assert.Equal([true, false], l.Active.Select(e => e.GreenPending));
        Assert.Equal(["social.cccc", "business.dddd"], l.Downgrades);
        Assert.Equal(["social.aaaa"], l.NoShows);
        // The fixture is what today's code writes, property for property.
        Assert.Equal(Fixture("booker-ledger.v2.json").Trim(), JsonRow.Write(new TableEntity("huli", "booker|k"), TableAppointmentStore.LedgerSchema, l).GetString(JsonRow.JsonColumn));
    }

    [Fact]
    public void Booking_rules_of_schema_1_read_with_the_default_downgrades_and_of_schema_2_with_their_own()
    {
        var v1 = JsonRow.Read(Fixture("catalogue-booking.v1.json"), 1, CatalogueStore.BookingSchema);
        var v2 = JsonRow.Read(Fixture("catalogue-booking.v2.json"), 2, CatalogueStore.BookingSchema);
        Assert.Equal(BookingRules.Default, v1);
        Assert.Equal(BookingRules.Default with { GreenDowngradesBeforeRefusal = 3 }, v2);
        Assert.Equal(Fixture("catalogue-booking.v2.json").Trim(), JsonRow.Write(new TableEntity("huli", "booking"), CatalogueStore.BookingSchema, v2).GetString(JsonRow.JsonColumn));
    }

    [Fact]
    public void Event_rows_of_versions_1_to_3_read_and_an_unversioned_row_counts_as_1()
    {
        var v3 = JsonRow.Read(Fixture("appointment-event.v3.json"), 3, AppointmentEventPublisher.EventSchema);
        Assert.Equal("social", v3.CategoryId);
        Assert.Equal(new[] { new Scheduler.Core.Booking.SlotKey(new LocalDate(2026, 12, 1), new LocalTime(9, 0)), new(new LocalDate(2026, 12, 3), new LocalTime(10, 0)) }, v3.Seats);
        var v2 = JsonRow.Read(Fixture("appointment-event.v2.json"), 2, AppointmentEventPublisher.EventSchema);
        Assert.Equal(("pension-certification", new LocalDate(2026, 12, 1)), (v2.BookableId, v2.PreviousDate!.Value));
        var v1 = JsonRow.Read(Fixture("appointment-event.v1.json"), null, AppointmentEventPublisher.EventSchema);
        Assert.Equal((AppointmentEventTypes.Booked, (string?)null), (v1.Type, v1.BookableId));
        Assert.Null(v2.Seats);
    }

    [Fact]
    public void An_owed_home_visit_message_of_schema_1_reads_whole_with_its_key_and_in_chinese()
    {
        var o = JsonRow.Read(Fixture("owed-home-visit-message.v1.json"), 1, TableHomeVisitStore.OwedSchema);
        Assert.Equal((Scheduler.Core.HomeVisits.Requests.VisitMessageEvent.Decided, Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Rejected, "该事项须本人到窗口办理"),
            (o.Event, o.Request.Status, o.Request.Decision!.Reason));
        Assert.Equal(Instant.FromUtc(2026, 11, 27, 1, 5), o.At);
        Assert.Equal($"hv-0123456789abcdef|Rejected|{Instant.FromUtc(2026, 11, 27, 1, 5).ToUnixTimeTicks()}", o.Key());
        // Written before requests carried a language: their messages were Chinese, and stay so.
        Assert.Equal("zh", o.Request.Language);
    }

    [Fact]
    public void An_owed_home_visit_message_of_schema_2_reads_whole_with_its_language_and_its_place()
    {
        var o = JsonRow.Read(Fixture("owed-home-visit-message.v2.json"), 2, TableHomeVisitStore.OwedSchema);
        Assert.Equal(("en", "林秀兰", Scheduler.Core.HomeVisits.Requests.HomeVisitStatus.Rejected), (o.Request.Language, o.Request.ResidentName, o.Request.Status));
        Assert.Equal(new Scheduler.Core.Catalogue.GeoPoint(24.52, 118.12), o.Request.Location);
        // Written by today's code, it is the same JSON under schema 3.
        var written = JsonRow.Write(new TableEntity("huli", "owed|x"), TableHomeVisitStore.OwedSchema, o);
        Assert.Equal(Fixture("owed-home-visit-message.v2.json").Trim(), written.GetString(JsonRow.JsonColumn));
        Assert.Equal(3, written.GetInt32(JsonRow.SchemaColumn));
    }

    [Fact]
    public void An_owed_home_visit_message_of_schema_3_reads_whole_with_its_place_pending()
    {
        var o = JsonRow.Read(Fixture("owed-home-visit-message.v3.json"), 3, TableHomeVisitStore.OwedSchema);
        Assert.True(o.Request.LocationPending());
        Assert.Equal(("en", "湖里区县后社区12号"), (o.Request.Language, o.Request.Address));
        // The fixture is what today's code writes, property for property.
        Assert.Equal(Fixture("owed-home-visit-message.v3.json").Trim(), JsonRow.Write(new TableEntity("huli", "owed|x"), TableHomeVisitStore.OwedSchema, o).GetString(JsonRow.JsonColumn));
    }

    [Fact]
    public void A_home_visit_request_row_of_schema_3_reads_whole_with_its_place_pending_and_is_refused_by_code_that_reads_up_to_2()
    {
        var r = JsonRow.Read(Fixture("home-visit-request.v3.json"), 3, TableHomeVisitStore.Schema);
        Assert.Equal(("hv-0123456789abcdef", (Scheduler.Core.Catalogue.GeoPoint?)null, "en"), (r.Id, r.Location, r.Language));
        Assert.Equal(Fixture("home-visit-request.v3.json").Trim(), JsonRow.Write(new TableEntity("huli", "req|x"), TableHomeVisitStore.Schema, r).GetString(JsonRow.JsonColumn));
        Assert.Throws<InvalidDataException>(() => JsonRow.Read(Fixture("home-visit-request.v3.json"), 3, TableHomeVisitStore.Schema with { Current = 2 }));
    }

    [Fact]
    public void A_home_visit_request_row_of_schema_1_reads_whole_as_a_chinese_request()
    {
        var r = JsonRow.Read(Fixture("home-visit-request.v1.json"), 1, TableHomeVisitStore.Schema);
        Assert.Equal(("hv-0123456789abcdef", "湖里区县后社区12号", 82, "zh"), (r.Id, r.Address, r.Age, r.Language));
        Assert.Equal(new Scheduler.Core.Catalogue.GeoPoint(24.52, 118.12), r.Location);
        // A row without a schema column is version 1 too.
        Assert.Equal("zh", JsonRow.Read(Fixture("home-visit-request.v1.json"), null, TableHomeVisitStore.Schema).Language);
    }

    [Fact]
    public void A_visit_outcome_row_of_schema_1_reads_whole()
    {
        var o = JsonRow.Read(Fixture("visit-outcome.v1.json"), 1, TableVisitOutcomes.Schema);
        Assert.Equal((VisitOutcomeKind.NotDone, (NotDoneReason?)NotDoneReason.Other, "门口有狗，无法进入"), (o.Outcome, o.Reason, o.Note));
        Assert.Equal((new LocalDate(2026, 12, 17), Instant.FromUtc(2026, 12, 17, 2, 40), "staff:u-s01"), (o.Date, o.RecordedAt, o.RecordedBy));
        // The fixture is what today's code writes, property for property.
        Assert.Equal(Fixture("visit-outcome.v1.json").Trim(),
            JsonRow.Write(new TableEntity("huli|20261217", o.RequestId), TableVisitOutcomes.Schema, o).GetString(JsonRow.JsonColumn));
    }

    [Fact]
    public void A_plan_run_row_of_schema_1_reads_whole()
    {
        var r = JsonRow.Read(Fixture("plan-run.v1.json"), 1, TablePlanRunStore.Schema);
        Assert.Equal((PlanRunStatus.Failed, "s01 works past the end of the shift"), (r.Status, Assert.Single(r.Violations)));
        Assert.StartsWith("searched 20.0 s", r.Search);
    }

    [Fact]
    public void A_published_roster_pointer_of_schema_1_reads_its_staffed_windows_whole()
    {
        var w = JsonRow.Read(Fixture("staffed-windows.v1.json"), 1, Scheduler.Functions.Roster.TableRosterStore.WindowsSchema);
        Assert.Equal((new LocalDate(2026, 12, 1), new LocalTime(8, 30), 15), (w.Date, w.Opens, w.SlotMinutes));
        Assert.Equal([2, 3, 0], w.Windows["social"]);
        Assert.Equal(0, w.Over("business", new LocalTime(8, 30), new LocalTime(9, 0)));
    }

    [Fact]
    public void A_row_longer_than_one_string_property_continues_in_parts_and_reads_whole()
    {
        var schema = new RowSchema<List<string>>("long", 1);
        var value = Enumerable.Range(0, 700).Select(i => $"slot {i}: " + new string('x', 100)).ToList();
        var entity = JsonRow.Write(new TableEntity("p", "r"), schema, value);
        Assert.True(entity.ContainsKey("Json2"));
        Assert.All(entity.Where(p => p.Key.StartsWith("Json", StringComparison.Ordinal)), p => Assert.True(((string)p.Value).Length <= JsonRow.PartChars));
        Assert.Equal(value, JsonRow.Read(entity, schema));
    }

    [Fact]
    public void A_property_the_type_does_not_know_and_a_newer_schema_are_refused()
    {
        var renamed = Fixture("booker-ledger.v1.json").Replace("\"noShows\"", "\"noShowIds\"");
        Assert.Throws<System.Text.Json.JsonException>(() => JsonRow.Read(renamed, 1, TableAppointmentStore.LedgerSchema));
        Assert.Throws<InvalidDataException>(() => JsonRow.Read(Fixture("booker-ledger.v2.json"), 3, TableAppointmentStore.LedgerSchema));
    }

    [Fact]
    public void A_row_written_is_read_back_with_its_schema()
    {
        var ledger = JsonRow.Read(Fixture("booker-ledger.v1.json"), 1, TableAppointmentStore.LedgerSchema);
        var entity = JsonRow.Write(new TableEntity("huli", "booker|k"), TableAppointmentStore.LedgerSchema, ledger);
        Assert.Equal(2, entity.GetInt32(JsonRow.SchemaColumn));
        Assert.Equal(ledger.NoShows, JsonRow.Read(entity, TableAppointmentStore.LedgerSchema).NoShows);
    }

    [Fact]
    public void Every_schema_has_an_upgrade_step_per_version_below_its_current()
    {
        Assert.Equal(AppointmentEventPublisher.EventSchema.Current - 1, AppointmentEventPublisher.EventSchema.Upgrades.Length);
        Assert.Empty(TableAppointmentStore.AppointmentSchema.Upgrades);
        Assert.Equal(TableAppointmentStore.LedgerSchema.Current - 1, TableAppointmentStore.LedgerSchema.Upgrades.Length);
        Assert.Equal(CatalogueStore.BookingSchema.Current - 1, CatalogueStore.BookingSchema.Upgrades.Length);
        Assert.Empty(TablePlanRunStore.Schema.Upgrades);
        Assert.Equal(TableHomeVisitStore.Schema.Current - 1, TableHomeVisitStore.Schema.Upgrades.Length);
        Assert.Equal(TableHomeVisitStore.OwedSchema.Current - 1, TableHomeVisitStore.OwedSchema.Upgrades.Length);
    }
}
