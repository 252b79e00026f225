import {
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  Typography,
} from "@mui/material";
import type { Order, Page } from "../../api/orders";
import { displayPrice, fmtAmount } from "./format";
import { OrderLeadCells, StatusChip } from "./OrderBits";

export interface OrderHistoryTableProps {
  page: Page<Order> | undefined;
  pageIndex: number;
  pageSize: number;
  onPage: (index: number) => void;
  onPageSize: (size: number) => void;
  onOpen: (order: Order) => void;
}

export function OrderHistoryTable({ page, pageIndex, pageSize, onPage, onPageSize, onOpen }: OrderHistoryTableProps) {
  const rows = page?.results ?? [];
  return (
    <>
      <TableContainer>
        <Table aria-label="Order history" data-testid="order-history-table" stickyHeader>
          <TableHead>
            <TableRow>
              <TableCell>Time</TableCell>
              <TableCell>Symbol</TableCell>
              <TableCell>Market</TableCell>
              <TableCell>Side</TableCell>
              <TableCell>Type</TableCell>
              <TableCell align="right">Price</TableCell>
              <TableCell align="right">Avg. price</TableCell>
              <TableCell align="right">Quantity</TableCell>
              <TableCell align="right">Filled</TableCell>
              <TableCell align="right">Total</TableCell>
              <TableCell>Status</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {page && rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={11}>
                  <Typography variant="body2" color="text.secondary" sx={{ py: 2, textAlign: "center" }}>
                    No orders match these filters.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
            {rows.map((order) => (
              <TableRow key={order.id} hover data-testid={`order-row-${order.id}`} data-status={order.status}>
                <OrderLeadCells order={order} onOpen={onOpen} />
                <TableCell>{order.type.replace(/_/g, " ")}</TableCell>
                <TableCell align="right">{displayPrice(order)}</TableCell>
                <TableCell align="right">{fmtAmount(order.average_price)}</TableCell>
                <TableCell align="right">{fmtAmount(order.quantity ?? order.quote_quantity)}</TableCell>
                <TableCell align="right">{fmtAmount(order.executed_quantity)}</TableCell>
                <TableCell align="right">{fmtAmount(order.cumulative_quote)}</TableCell>
                <TableCell>
                  <StatusChip order={order} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={page?.count ?? 0}
        page={page ? pageIndex : 0}
        rowsPerPage={pageSize}
        rowsPerPageOptions={[25, 50, 100, 200]}
        onPageChange={(_e, index) => onPage(index)}
        onRowsPerPageChange={(e) => onPageSize(Number(e.target.value))}
      />
    </>
  );
}
