import { lazy } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth';
import { TimeRangeProvider } from './timeRange';
import { Layout } from './Layout';
import { TokenPrompt } from '../components/TokenPrompt';
// Views load on demand: the first page does not wait for the trace view or compare code.
const OverviewPage = lazy(() => import('../views/overview/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const ServicePage = lazy(() => import('../views/service/ServicePage').then((m) => ({ default: m.ServicePage })));
const TracesPage = lazy(() => import('../views/traces/TracesPage').then((m) => ({ default: m.TracesPage })));
const TracePage = lazy(() => import('../views/trace/TracePage').then((m) => ({ default: m.TracePage })));
const SqlPage = lazy(() => import('../views/sql/SqlPage').then((m) => ({ default: m.SqlPage })));
const HttpPage = lazy(() => import('../views/http/HttpPage').then((m) => ({ default: m.HttpPage })));
const ErrorsPage = lazy(() => import('../views/errors/ErrorsPage').then((m) => ({ default: m.ErrorsPage })));
const LogsPage = lazy(() => import('../views/logs/LogsPage').then((m) => ({ default: m.LogsPage })));
const DumpsPage = lazy(() => import('../views/dumps/DumpsPage').then((m) => ({ default: m.DumpsPage })));
const LivePage = lazy(() => import('../views/live/LivePage').then((m) => ({ default: m.LivePage })));
const ComparePage = lazy(() => import('../views/compare/ComparePage').then((m) => ({ default: m.ComparePage })));

export function App() {
  return (
    <AuthProvider>
      <TimeRangeProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<OverviewPage />} />
            <Route path="services/:name" element={<ServicePage />} />
            <Route path="traces" element={<TracesPage />} />
            <Route path="traces/:id" element={<TracePage />} />
            <Route path="sql" element={<SqlPage />} />
            <Route path="http" element={<HttpPage />} />
            <Route path="errors" element={<ErrorsPage />} />
            <Route path="logs" element={<LogsPage />} />
            <Route path="dumps" element={<DumpsPage />} />
            <Route path="live" element={<LivePage />} />
            <Route path="compare" element={<ComparePage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
        <TokenPrompt />
      </TimeRangeProvider>
    </AuthProvider>
  );
}

function NotFound() {
  return <div className="empty-state">This page does not exist.</div>;
}
