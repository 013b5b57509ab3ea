// Every feature folder of the function app is one namespace; each sees the others.
global using Scheduler.Functions.Appointments;
global using Scheduler.Functions.Catalogue;
global using Scheduler.Functions.HomeVisits;
global using Scheduler.Functions.Identity;
global using Scheduler.Functions.Notifications;
global using Scheduler.Functions.Pages;
global using Scheduler.Functions.Platform;
global using Scheduler.Functions.Roster;
