using BenchmarkDotNet.Running;
using Scheduler.Bench.Booking;

// dotnet run -c Release --project bench/Scheduler.Bench.Booking -- load [race] [bookings] [concurrency] [availability requests]
// dotnet run -c Release --project bench/Scheduler.Bench.Booking -- request [bookings] [concurrency]   (the request path's ratio alone)
// dotnet run -c Release --project bench/Scheduler.Bench.Booking -- sms [events] [concurrency] [latency samples]
// dotnet run -c Release --project bench/Scheduler.Bench.Booking -- heat [bookings] [concurrency] [instances] [cacheSeconds]
// dotnet run -c Release --project bench/Scheduler.Bench.Booking -- availability [BenchmarkDotNet options]
switch (args.FirstOrDefault())
{
    case "load":
        int Arg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;
        return await LoadCommand.RunAsync(Arg(1, 500), Arg(2, 2000), Arg(3, 32), Arg(4, 400));
    case "request":
        int RequestArg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;
        return await LoadCommand.RequestPathOnlyAsync(RequestArg(1, 2000), RequestArg(2, 32));
    case "sms":
        int SmsArg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;
        return await SmsCommand.RunAsync(SmsArg(1, 1000), SmsArg(2, 16), SmsArg(3, 200));
    case "heat":
        int HeatArg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;
        return await HeatCommand.RunAsync(HeatArg(1, 200), HeatArg(2, 16), HeatArg(3, HeatCommand.DefaultInstances),
            HeatArg(4, Scheduler.Functions.Appointments.AvailabilityOptions.MaxAgeSeconds));
    case "availability":
        BenchmarkSwitcher.FromTypes([typeof(AvailabilityBenchmark)]).Run(args.Skip(1).ToArray());
        return 0;
    default:
        Console.Error.WriteLine("usage: Scheduler.Bench.Booking load [race] [bookings] [concurrency] [availabilityRequests] | request [bookings] [concurrency] | sms [events] [concurrency] [latencySamples] | heat [bookings] [concurrency] [instances] [cacheSeconds] | availability [BenchmarkDotNet options]");
        return 2;
}
